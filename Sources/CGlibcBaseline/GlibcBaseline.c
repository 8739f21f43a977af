// The static Swift runtime's Glibc overlay calls hypot and hypotf, and a link against glibc 2.35 or
// later binds them to the versions that release added (GLIBC_2.35), which glibc 2.34 (Ubuntu 22.04,
// RHEL 9) does not have. The linker's --wrap (Package.swift) sends those calls here instead. These
// cannot name hypot's first version: --wrap sends that reference back here too, and each would call
// itself until the stack ran out. They compute it as the magnitude of a complex number, which is
// hypot by definition: cabs and cabsf have one version in every glibc. no_builtin keeps them calls to
// glibc's, which scale as hypot does, even under -ffast-math, where clang would inline sqrt(x*x + y*y)
// and overflow.
#if defined(__linux__)
#include <features.h> // defines __GLIBC__ on glibc
#endif

#if defined(__linux__) && defined(__GLIBC__)
#include <complex.h>

__attribute__((no_builtin("cabs"))) double __wrap_hypot(double x, double y) { return cabs(__builtin_complex(x, y)); }
__attribute__((no_builtin("cabsf"))) float __wrap_hypotf(float x, float y) { return cabsf(__builtin_complex(x, y)); }
#elif defined(__linux__)
// On musl the wrapped calls go on to the library's own functions. (Other systems get no --wrap.)
double __real_hypot(double x, double y);
float __real_hypotf(float x, float y);
double __wrap_hypot(double x, double y) { return __real_hypot(x, y); }
float __wrap_hypotf(float x, float y) { return __real_hypotf(x, y); }
#endif

// `make build` links libstdc++ statically (Makefile), and the archive of GCC 12 built on glibc 2.36
// refers to arc4random (GLIBC_2.36) in std::random_device; the reference reaches the programs'
// dynamic symbol table even where no code that calls it is left, and glibc 2.34 would refuse to
// load them. The Makefile's --wrap=arc4random sends it here instead: the kernel's random numbers
// through getrandom (glibc 2.25), aborting as glibc's own arc4random does when there are none to be
// had. Builds that link libstdc++ as a shared library never call this.
#if defined(__linux__)
#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>

unsigned int __wrap_arc4random(void) {
    unsigned int value;
    unsigned char *bytes = (unsigned char *)&value;
    size_t filled = 0;
    while (filled < sizeof value) {
        ssize_t got = getrandom(bytes + filled, sizeof value - filled, 0);
        if (got > 0) {
            filled += (size_t)got;
        } else if (got < 0 && errno != EINTR) {
            abort();
        }
    }
    return value;
}
#endif
