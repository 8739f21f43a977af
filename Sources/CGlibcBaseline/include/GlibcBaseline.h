#ifndef ROLECALL_GLIBC_BASELINE_H
#define ROLECALL_GLIBC_BASELINE_H
// What the linker's --wrap sends hypot and hypotf to (Package.swift) is not called by name
// (GlibcBaseline.c). Nor is arc4random's, which `make build` wraps (Makefile); it is declared for
// its test.
#if defined(__linux__)
unsigned int __wrap_arc4random(void);
#endif
#endif
