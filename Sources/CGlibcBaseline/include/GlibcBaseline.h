#ifndef ROLECALL_GLIBC_BASELINE_H
#define ROLECALL_GLIBC_BASELINE_H
// What the linker's --wrap sends hypot and hypotf (Package.swift) and arc4random (`make build`'s
// Makefile) to (GlibcBaseline.c). Nothing calls them by name; they are declared for their tests.
#if defined(__linux__)
double __wrap_hypot(double x, double y);
float __wrap_hypotf(float x, float y);
unsigned int __wrap_arc4random(void);
#endif
#endif
