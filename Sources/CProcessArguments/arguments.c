#include "CProcessArguments.h"

static int captured_count;
static char *const *captured_vector;

/* glibc calls the functions of .init_array with argc, argv and envp. */
__attribute__((constructor, used)) static void hostcontract_capture_arguments(int argc, char **argv, char **envp) {
    (void)envp;
    captured_count = argc;
    captured_vector = argv;
}

int hostcontract_argument_count(void) { return captured_count; }

char *const *hostcontract_argument_vector(void) { return captured_vector; }
