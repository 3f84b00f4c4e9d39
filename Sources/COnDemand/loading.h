#pragma once
// One library's table of functions, filled once by dlopen(3) and dlsym(3).
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

struct ondemand_library {
    const char *soname;
    pthread_once_t once;
    int status;
    char problem[256];
};

/// Opens `library` and resolves `count` names into `slots`; -1 and a problem when anything fails.
static inline void ondemand_load(struct ondemand_library *library, const char *const *names, void **slots, int count) {
    void *handle = dlopen(library->soname, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        snprintf(library->problem, sizeof library->problem, "%s cannot be loaded: %s", library->soname, dlerror());
        library->status = -1;
        return;
    }
    for (int i = 0; i < count; i++) {
        slots[i] = dlsym(handle, names[i]);
        if (!slots[i]) {
            snprintf(library->problem, sizeof library->problem, "%s lacks %s", library->soname, names[i]);
            library->status = -1;
            dlclose(handle);
            return;
        }
    }
    library->status = 0;
}
