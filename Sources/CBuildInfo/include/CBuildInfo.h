#ifndef ROLECALL_CBUILDINFO_H
#define ROLECALL_CBUILDINFO_H
/// The git commit the binary was built from: the Makefile passes -DROLECALL_GIT_COMMIT="...".
const char *rolecall_build_commit(void);
#endif
