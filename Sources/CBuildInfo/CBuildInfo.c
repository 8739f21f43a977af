#include "CBuildInfo.h"

// A C string define is the one build-time value SwiftPM passes through unchanged (-Xcc -D...).
#ifndef ROLECALL_GIT_COMMIT
#define ROLECALL_GIT_COMMIT "unknown (built without make)"
#endif

const char *rolecall_build_commit(void) { return ROLECALL_GIT_COMMIT; }
