#pragma once
// Linux calls that Glibc does not wrap or that Swift cannot import (variadic syscall(2)).
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <sys/vfs.h>
#include <unistd.h>

/// AT_EMPTY_PATH, which Glibc only declares under _GNU_SOURCE.
static const int hostcontract_AT_EMPTY_PATH = 0x1000;

/// O_PATH, which Glibc only declares under _GNU_SOURCE.
static const int hostcontract_O_PATH = 010000000;

/// fchmodat2(2) through syscall(2) (Linux 6.6 and later, which take AT_EMPTY_PATH and so
/// change the mode of an O_PATH descriptor itself); returns 0 or -1 with errno set (ENOSYS on
/// an older kernel).
static inline int hostcontract_fchmodat2(int dirfd, const char *path, unsigned int mode, int flags) {
#ifdef SYS_fchmodat2
    return (int)syscall(SYS_fchmodat2, dirfd, path, mode, flags);
#else
    return (int)syscall(452, dirfd, path, mode, flags);
#endif
}

/// fstatfs(2)'s f_type of the file open at `fd` (the file system's magic number); 0 with errno
/// set on error (no file system has 0).
static inline long hostcontract_fstatfs_type(int fd) {
    struct statfs info;
    if (fstatfs(fd, &info) != 0) return 0;
    return (long)info.f_type;
}

/// openat2(2) through syscall(2); returns the descriptor or -1 with errno set.
static inline int hostcontract_openat2(int dirfd, const char *path, unsigned long long flags,
                                       unsigned long long mode, unsigned long long resolve) {
    struct open_how how = { .flags = flags, .mode = mode, .resolve = resolve };
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

/// getxattrat(2) through syscall(2) (Linux 6.13 and later): the size of extended attribute
/// `name` of `path` looked up from `dirfd` (no value is copied); -1 with errno set (ENODATA when
/// the file has no such attribute, ENOSYS on an older kernel).
static inline long hostcontract_getxattrat_size(int dirfd, const char *path, int flags, const char *name) {
    struct { unsigned long long value; unsigned int size; unsigned int flags; } args = { 0, 0, 0 };
    return syscall(464, dirfd, path, flags, name, &args, sizeof(args));
}

/// getxattr(2) asking only for the size of extended attribute `name` of `path` (no value is
/// copied); -1 with errno set.
static inline long hostcontract_getxattr_size(const char *path, const char *name) {
    return (long)getxattr(path, name, 0, 0);
}

/// The number of CPUs this thread may run on (sched_getaffinity(2), CPU_COUNT); 0 on error.
static inline int hostcontract_available_cpus(void) {
    unsigned long mask[1024 / (8 * sizeof(unsigned long))] = {0};
    if (syscall(SYS_sched_getaffinity, 0, sizeof(mask), mask) < 0) return 0;
    int count = 0;
    for (unsigned i = 0; i < sizeof(mask) / sizeof(mask[0]); i++) count += __builtin_popcountl(mask[i]);
    return count;
}
