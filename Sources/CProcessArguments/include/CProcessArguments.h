#pragma once

/// The argc and argv the C runtime passed to the program, captured by an ELF constructor
/// before main. Swift's CommandLine reads /proc/self/cmdline on Linux, which is absent in a
/// chroot or an early-boot environment without /proc: the arguments would then be lost.
int hostcontract_argument_count(void);
char *const *hostcontract_argument_vector(void);
