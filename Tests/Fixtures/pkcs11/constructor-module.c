/* Not a PKCS#11 module: a library whose constructor leaves a mark at MARK (given with -DMARK=...)
 * when it is loaded, as another user's module would run its code in rolecall's process. */
#include <stdio.h>

__attribute__((constructor)) static void leave_mark(void) {
    FILE *mark = fopen(MARK, "w");
    if (mark) fclose(mark);
}
