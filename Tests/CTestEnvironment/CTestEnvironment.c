// The test process's SOFTHSM2_CONF, set by a constructor: before main, while the process has one
// thread. Setting it later (setenv from a test) raced Foundation's Process.run, which copies the
// environment on another thread, and crashed the test process in memcpy.
#define _GNU_SOURCE
#include "CTestEnvironment.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char directory[256];
static char configuration[320];

static int remove_entry(const char *path, const struct stat *info, int flag, struct FTW *walk) {
    (void)info; (void)flag; (void)walk;
    return remove(path);
}

static void remove_directory(void) {
    if (directory[0] != '\0') nftw(directory, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

__attribute__((constructor)) static void rolecall_test_make_softhsm_configuration(void) {
    const char *base = getenv("TMPDIR");
    snprintf(directory, sizeof directory, "%s/rolecall-softhsm-in-process.XXXXXX", base && *base ? base : "/tmp");
    if (mkdtemp(directory) == NULL) { directory[0] = '\0'; return; }
    char tokens[300];
    snprintf(tokens, sizeof tokens, "%s/tokens", directory);
    snprintf(configuration, sizeof configuration, "%s/softhsm2.conf", directory);
    FILE *file = mkdir(tokens, 0700) == 0 ? fopen(configuration, "w") : NULL;
    if (file == NULL) { remove_directory(); directory[0] = configuration[0] = '\0'; return; }
    fprintf(file, "directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n", tokens);
    fclose(file);
    setenv("SOFTHSM2_CONF", configuration, 1);
    atexit(remove_directory);
}

const char *rolecall_test_softhsm_configuration(void) {
    return configuration[0] == '\0' ? NULL : configuration;
}
