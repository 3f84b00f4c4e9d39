/* The floor for `check` of benchmarks/start.sh's small contract: one C process making the
 * system calls the check needs and judging nothing else. It reads the account files and the
 * environment file, and fstatat()s every declared path below the root without following
 * links. Usage: check-floor ROOT PATH... (the environment file is the last path). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static long slurp(int root, const char *path, char *buffer, size_t size) {
    int fd = openat(root, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return -1;
    long total = 0, got;
    while ((got = read(fd, buffer + total, size - total)) > 0) total += got;
    close(fd);
    return total;
}

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    int root = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root < 0) return 2;
    static char buffer[1 << 16];
    int bad = 0;
    bad += slurp(root, "etc/passwd", buffer, sizeof buffer) < 0;
    bad += slurp(root, "etc/group", buffer, sizeof buffer) < 0;
    for (int i = 2; i < argc; i++) {
        struct stat st;
        const char *path = argv[i][0] == '/' ? argv[i] + 1 : argv[i];
        if (fstatat(root, path, &st, AT_SYMLINK_NOFOLLOW) != 0) bad++;
        else if ((st.st_mode & 07027) != 0) bad++;
    }
    const char *env = argv[argc - 1][0] == '/' ? argv[argc - 1] + 1 : argv[argc - 1];
    long n = slurp(root, env, buffer, sizeof buffer);
    int lines = 0;
    for (long i = 0; i < n; i++) lines += buffer[i] == '\n';
    printf("%d paths, %d lines, %d differences\n", argc - 2, lines, bad);
    return 0;
}
