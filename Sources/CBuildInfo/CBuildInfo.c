#include "CBuildInfo.h"

// `make build` writes BuildCommit.h (git-ignored) with the commit; a plain `swift build` has none.
// A header rather than -DROLECALL_GIT_COMMIT: a -Xcc define would reach every C target (BoringSSL
// among them) and rebuild them all whenever the commit changes.
#if __has_include("BuildCommit.h")
#include "BuildCommit.h"
#endif
#ifndef ROLECALL_GIT_COMMIT
#define ROLECALL_GIT_COMMIT "unknown (built without make)"
#endif

const char *rolecall_build_commit(void) { return ROLECALL_GIT_COMMIT; }
