/*
 * A PKCS#11 module for the tests: SoftHSM2 with a PIN retry counter, as real tokens have and SoftHSM
 * has not. Every call goes to SoftHSM ($ROLECALL_TEST_INNER_MODULE) except:
 *   - C_Login as the user: after a wrong PIN the token info shows CKF_USER_PIN_COUNT_LOW, after two
 *     CKF_USER_PIN_FINAL_TRY, and after three the PIN is locked (CKF_USER_PIN_LOCKED, CKR_PIN_LOCKED),
 *     even for the right PIN; a right PIN before that resets the count.
 *   - C_GetTokenInfo adds those flags.
 * The count is kept in the file $ROLECALL_TEST_PIN_COUNT_FILE, so that it outlives each process, as a
 * token's own counter does.
 * It also takes the token out and puts it back, as the file $ROLECALL_TEST_TOKEN_STATE_FILE says:
 * "removed" (no slot has a token; signing in an open session fails with CKR_DEVICE_REMOVED), or a
 * number, the token's generation since it was put back (sessions opened in an earlier generation are
 * gone: CKR_SESSION_HANDLE_INVALID). No file is generation 0.
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

/* -1 when removed, else the generation. */
static long token_state(void) {
    const char *path = getenv("ROLECALL_TEST_TOKEN_STATE_FILE");
    if (path == NULL) return 0;
    FILE *file = fopen(path, "r");
    if (file == NULL) return 0;
    char text[32] = {0};
    size_t length = fread(text, 1, sizeof text - 1, file);
    fclose(file);
    text[length] = 0;
    if (text[0] == 'r') return -1;
    return strtol(text, NULL, 10);
}

#define SESSIONS 4096
static long session_generation[SESSIONS];

static CK_RV session_state(CK_SESSION_HANDLE session) {
    long state = token_state();
    if (state < 0) return CKR_DEVICE_REMOVED;
    return session_generation[session % SESSIONS] == state ? CKR_OK : CKR_SESSION_HANDLE_INVALID;
}

static CK_RV removable_slot_list(CK_BBOOL present, CK_SLOT_ID_PTR slots, CK_ULONG_PTR count) {
    if (present && token_state() < 0 && count != NULL) {
        *count = 0;
        return CKR_OK;
    }
    return inner.C_GetSlotList(present, slots, count);
}

static CK_RV removable_open_session(CK_SLOT_ID slot, CK_FLAGS flags, CK_VOID_PTR application, CK_NOTIFY notify, CK_SESSION_HANDLE_PTR session) {
    long state = token_state();
    if (state < 0) return CKR_TOKEN_NOT_PRESENT;
    CK_RV result = inner.C_OpenSession(slot, flags, application, notify, session);
    if (result == CKR_OK) session_generation[*session % SESSIONS] = state;
    return result;
}

static CK_RV removable_sign_init(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism, CK_OBJECT_HANDLE key) {
    CK_RV state = session_state(session);
    return state == CKR_OK ? inner.C_SignInit(session, mechanism, key) : state;
}

static CK_RV removable_sign(CK_SESSION_HANDLE session, CK_BYTE_PTR data, CK_ULONG length, CK_BYTE_PTR signature, CK_ULONG_PTR signature_length) {
    CK_RV state = session_state(session);
    return state == CKR_OK ? inner.C_Sign(session, data, length, signature, signature_length) : state;
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
        wrapped.C_GetSlotList = removable_slot_list;
        wrapped.C_OpenSession = removable_open_session;
        wrapped.C_SignInit = removable_sign_init;
        wrapped.C_Sign = removable_sign;
    }
    *list = &wrapped;
    return CKR_OK;
}
