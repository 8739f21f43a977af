#ifndef ROLECALL_GLIBC_BASELINE_H
#define ROLECALL_GLIBC_BASELINE_H
// Nothing to call: the target supplies what the linker's --wrap sends hypot and hypotf to (GlibcBaseline.c).
#endif
