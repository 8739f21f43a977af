#ifndef ROLECALL_CFUZZDRIVER_H
#define ROLECALL_CFUZZDRIVER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (compiler-rt), linked only when built with -sanitize=fuzzer. It parses the
/// usual libFuzzer flags from argv and calls `callback` once per input.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
