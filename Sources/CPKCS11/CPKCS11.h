// PKCS#11's standard header: p11-kit's copy (Debian's libp11-kit-dev), in its default compatibility
// mode, so the names are the specification's (CK_FUNCTION_LIST, pValue, ulValueLen). Nothing is
// linked: TokenKeys loads each module with dlopen.
#include <p11-kit-1/p11-kit/pkcs11.h>
