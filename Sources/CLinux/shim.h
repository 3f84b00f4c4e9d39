#pragma once
// Linux calls that Glibc does not wrap or that Swift cannot import (variadic syscall(2)).
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

/// AT_EMPTY_PATH, which Glibc only declares under _GNU_SOURCE.
static const int hostcontract_AT_EMPTY_PATH = 0x1000;

/// O_PATH, which Glibc only declares under _GNU_SOURCE.
static const int hostcontract_O_PATH = 010000000;

/// openat2(2) through syscall(2); returns the descriptor or -1 with errno set.
static inline int hostcontract_openat2(int dirfd, const char *path, unsigned long long flags,
                                       unsigned long long mode, unsigned long long resolve) {
    struct open_how how = { .flags = flags, .mode = mode, .resolve = resolve };
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}
