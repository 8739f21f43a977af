/*
 * A PKCS#11 module for the tests: SoftHSM2 with a PIN retry counter, as real tokens have and SoftHSM
 * has not. Every call goes to SoftHSM ($ROLECALL_TEST_INNER_MODULE) except:
 *   - C_Login as the user: after a wrong PIN the token info shows CKF_USER_PIN_COUNT_LOW, after two
 *     CKF_USER_PIN_FINAL_TRY, and after three the PIN is locked (CKF_USER_PIN_LOCKED, CKR_PIN_LOCKED),
 *     even for the right PIN; a right PIN before that resets the count.
 *   - C_GetTokenInfo adds those flags.
 * The count is kept in the file $ROLECALL_TEST_PIN_COUNT_FILE, so that it outlives each process, as a
 * token's own counter does.
 * Built by the tests with `cc -shared -fPIC` (Tests/TestSupport/SoftHSM.swift).
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <p11-kit-1/p11-kit/pkcs11.h>

static CK_FUNCTION_LIST inner;
static CK_FUNCTION_LIST wrapped;
static const int attempts = 3;

static int read_failures(void) {
    const char *path = getenv("ROLECALL_TEST_PIN_COUNT_FILE");
    FILE *file = path ? fopen(path, "r") : NULL;
    int count = 0;
    if (file) {
        if (fscanf(file, "%d", &count) != 1) count = 0;
        fclose(file);
    }
    return count;
}

static void write_failures(int count) {
    const char *path = getenv("ROLECALL_TEST_PIN_COUNT_FILE");
    FILE *file = path ? fopen(path, "w") : NULL;
    if (file) {
        fprintf(file, "%d\n", count);
        fclose(file);
    }
}

static CK_RV counting_login(CK_SESSION_HANDLE session, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG length) {
    if (user != CKU_USER) return inner.C_Login(session, user, pin, length);
    int failures = read_failures();
    if (failures >= attempts) return CKR_PIN_LOCKED;
    CK_RV result = inner.C_Login(session, user, pin, length);
    if (result == CKR_PIN_INCORRECT) failures++;
    else if (result == CKR_OK) failures = 0;
    write_failures(failures);
    return failures >= attempts ? CKR_PIN_LOCKED : result;
}

static CK_RV counting_token_info(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info) {
    CK_RV result = inner.C_GetTokenInfo(slot, info);
    if (result != CKR_OK) return result;
    int failures = read_failures();
    if (failures >= attempts) info->flags |= CKF_USER_PIN_LOCKED;
    else if (failures == attempts - 1) info->flags |= CKF_USER_PIN_FINAL_TRY;
    else if (failures > 0) info->flags |= CKF_USER_PIN_COUNT_LOW;
    return CKR_OK;
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list) {
    if (list == NULL) return CKR_ARGUMENTS_BAD;
    if (wrapped.C_Login == NULL) {
        const char *path = getenv("ROLECALL_TEST_INNER_MODULE");
        void *handle = dlopen(path ? path : "/usr/lib/softhsm/libsofthsm2.so", RTLD_NOW | RTLD_LOCAL);
        if (handle == NULL) return CKR_GENERAL_ERROR;
        CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(handle, "C_GetFunctionList");
        CK_FUNCTION_LIST_PTR functions = NULL;
        if (get == NULL || get(&functions) != CKR_OK) return CKR_GENERAL_ERROR;
        inner = *functions;
        wrapped = *functions;
        wrapped.C_GetFunctionList = C_GetFunctionList;
        wrapped.C_Login = counting_login;
        wrapped.C_GetTokenInfo = counting_token_info;
    }
    *list = &wrapped;
    return CKR_OK;
}
