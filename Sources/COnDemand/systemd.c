// libsystemd on demand: see COnDemand.h.
// sd_journal_sendv itself, not the macro that adds the caller's file and line.
#define SD_JOURNAL_SUPPRESS_LOCATION
#include "COnDemand.h"
#include "loading.h"
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#include <systemd/sd-login.h>

#define SYSTEMD_FUNCTIONS(F) \
    F(int, sd_booted, (void), ()) \
    F(int, sd_notify, (int unset_environment, const char *state), (unset_environment, state)) \
    F(int, sd_journal_sendv, (const struct iovec *iov, int n), (iov, n)) \
    F(int, sd_pid_get_unit, (pid_t pid, char **unit), (pid, unit)) \
    F(int, sd_pid_get_user_unit, (pid_t pid, char **unit), (pid, unit)) \
    F(int, sd_bus_open_system, (sd_bus **ret), (ret)) \
    F(sd_bus *, sd_bus_flush_close_unref, (sd_bus *bus), (bus)) \
    F(int, sd_bus_path_encode, (const char *prefix, const char *external_id, char **ret_path), (prefix, external_id, ret_path)) \
    F(void, sd_bus_error_free, (sd_bus_error *e), (e)) \
    F(int, sd_bus_get_property_string, (sd_bus *bus, const char *destination, const char *path, \
        const char *interface, const char *member, sd_bus_error *ret_error, char **ret), \
        (bus, destination, path, interface, member, ret_error, ret))

#define NAME(ret, name, params, args) #name,
static const char *const names[] = { SYSTEMD_FUNCTIONS(NAME) };
#define SLOT(ret, name, params, args) ret (*name) params;
static union {
    struct { SYSTEMD_FUNCTIONS(SLOT) } call;
    void *slots[sizeof names / sizeof *names];
} table;
static struct ondemand_library library = { "libsystemd.so.0", PTHREAD_ONCE_INIT, -1, "" };

static void load(void) { ondemand_load(&library, names, table.slots, sizeof names / sizeof *names); }

int ondemand_systemd_open(void) {
    pthread_once(&library.once, load);
    return library.status;
}

const char *ondemand_systemd_problem(void) { return library.problem; }

#define TRAMPOLINE(ret, name, params, args) ret ondemand_##name params { return table.call.name args; }
SYSTEMD_FUNCTIONS(TRAMPOLINE)
