/* The floor for a [[tree]] audit: N threads, each a depth-first walk with readdir(3) and
 * fstatat(2) (AT_SYMLINK_NOFOLLOW), subdirectories opened with O_NOFOLLOW|O_DIRECTORY and
 * handed to an idle thread when one waits; judging owner, group and the maximum modes as
 * hostcontract does and counting violations. No paths are built.
 *   tree-walker THREADS DIR UID GID MAX_DIR_MODE MAX_FILE_MODE      (modes in octal)
 * Prints: entries owner group dir_mode file_mode unreadable
 * Built by the benchmarks with cc -O2 -pthread. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned uid, gid, max_dir, max_file;
static int threads;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static int *queue, queued, capacity, finished;
static volatile int idle;

struct counts { long entries, owner, group, dir_mode, file_mode, unreadable; };

static int offer(int fd) {
    int taken = 0;
    pthread_mutex_lock(&lock);
    if (queued < idle) {
        if (queued == capacity) { capacity = capacity ? 2 * capacity : 64; queue = realloc(queue, capacity * sizeof *queue); }
        queue[queued++] = fd;
        pthread_cond_signal(&wake);
        taken = 1;
    }
    pthread_mutex_unlock(&lock);
    return taken;
}

static int take(void) {
    int fd = -1;
    pthread_mutex_lock(&lock);
    idle++;
    while (!queued && !finished) {
        if (idle == threads) { finished = 1; pthread_cond_broadcast(&wake); break; }
        pthread_cond_wait(&wake, &lock);
    }
    if (queued) { fd = queue[--queued]; idle--; }
    pthread_mutex_unlock(&lock);
    return fd;
}

static void judge(struct counts *c, const struct stat *st) {
    if (st->st_uid != uid) c->owner++;
    if (st->st_gid != gid) c->group++;
    if (S_ISDIR(st->st_mode)) { if (st->st_mode & 07777 & ~max_dir) c->dir_mode++; }
    else if (!S_ISLNK(st->st_mode) && (st->st_mode & 07777 & ~max_file)) c->file_mode++;
}

static void walk(struct counts *c, int fd) {
    DIR *stack[4096];
    int depth = 0;
    stack[depth++] = fdopendir(fd);
    if (!stack[0]) { c->unreadable++; close(fd); return; }
    while (depth) {
        DIR *dir = stack[depth - 1];
        struct dirent *e = readdir(dir);
        if (!e) { closedir(dir); depth--; continue; }
        const char *n = e->d_name;
        if (n[0] == '.' && (!n[1] || (n[1] == '.' && !n[2]))) continue;
        c->entries++;
        struct stat st;
        if (fstatat(dirfd(dir), n, &st, AT_SYMLINK_NOFOLLOW)) { c->unreadable++; continue; }
        judge(c, &st);
        if (!S_ISDIR(st.st_mode)) continue;
        int child = openat(dirfd(dir), n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (child < 0) { c->unreadable++; continue; }
        if (idle && offer(child)) continue;
        DIR *d = fdopendir(child);
        if (!d || depth == 4096) { c->unreadable++; if (d) closedir(d); else close(child); continue; }
        stack[depth++] = d;
    }
}

static void *worker(void *arg) {
    struct counts *c = arg;
    int fd;
    while ((fd = take()) >= 0) walk(c, fd);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 7) { fprintf(stderr, "usage: tree-walker THREADS DIR UID GID MAX_DIR_MODE MAX_FILE_MODE\n"); return 2; }
    threads = atoi(argv[1]);
    uid = strtoul(argv[3], 0, 10); gid = strtoul(argv[4], 0, 10);
    max_dir = strtoul(argv[5], 0, 8); max_file = strtoul(argv[6], 0, 8);
    int top = open(argv[2], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (top < 0) { perror(argv[2]); return 1; }
    struct counts all[threads];
    memset(all, 0, sizeof all);
    struct stat st;
    fstat(top, &st);
    all[0].entries++;
    judge(&all[0], &st);
    capacity = 64; queue = malloc(capacity * sizeof *queue);
    queue[queued++] = top;
    pthread_t t[threads];
    for (int i = 1; i < threads; i++) pthread_create(&t[i], NULL, worker, &all[i]);
    worker(&all[0]);
    for (int i = 1; i < threads; i++) pthread_join(t[i], NULL);
    for (int i = 1; i < threads; i++) {
        all[0].entries += all[i].entries; all[0].owner += all[i].owner; all[0].group += all[i].group;
        all[0].dir_mode += all[i].dir_mode; all[0].file_mode += all[i].file_mode; all[0].unreadable += all[i].unreadable;
    }
    printf("%ld entries, %ld owner, %ld group, %ld dir_mode, %ld file_mode, %ld unreadable\n", all[0].entries,
           all[0].owner, all[0].group, all[0].dir_mode, all[0].file_mode, all[0].unreadable);
    return 0;
}
