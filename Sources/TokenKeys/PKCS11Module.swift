import CPKCS11
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A PKCS#11 module loaded with `dlopen` and initialised (`C_Initialize`, OS locking).
///
/// A module is process-wide state: each path is loaded once, shared by whoever holds a lease, and
/// finalised (`C_Finalize`, `dlclose`) when the last lease ends. Nothing stays loaded past the
/// work that needed it, so no module thread or descriptor is left when rolecall `execve`s.
final class PKCS11Module: @unchecked Sendable {
    let path: String
    /// The module's function table; valid while the module is loaded.
    let functions: CK_FUNCTION_LIST
    private let handle: UnsafeMutableRawPointer
    /// The descriptor the module was checked and loaded through (ModuleFile).
    private let file: ModuleFile
    /// False when something else in the process had initialised it: then it is not ours to finalise.
    private let initializedHere: Bool

    private static let loaded = Mutex<[String: (module: PKCS11Module, leases: Int)]>([:])

    /// The module at `path`, loaded and initialised unless it already is.
    static func acquire(path: String) throws(TokenError) -> PKCS11Module {
        try loaded.withLock { (loaded) throws(TokenError) -> PKCS11Module in
            if let entry = loaded[path] {
                loaded[path] = (entry.module, entry.leases + 1)
                return entry.module
            }
            let module = try PKCS11Module(path: path)
            loaded[path] = (module, 1)
            return module
        }
    }

    /// Ends one lease; the last one finalises and unloads the module.
    func release() {
        let last = Self.loaded.withLock { loaded -> Bool in
            guard let entry = loaded[path] else { return false }
            if entry.leases > 1 {
                loaded[path] = (entry.module, entry.leases - 1)
                return false
            }
            loaded[path] = nil
            return true
        }
        if last { unload() }
    }

    private init(path: String) throws(TokenError) {
        let file = try ModuleFile.openChecked(path)
        guard let handle = dlopen(file.loadPath, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "dlopen failed"
            file.closeAfterUnload()
            throw .moduleNotLoadable(path: path, reason: reason)
        }
        let list: CK_FUNCTION_LIST_PTR
        let result: CK_RV
        do {
            (list, result) = try Self.initialize(handle, path: path)
        } catch {
            dlclose(handle)
            file.closeAfterUnload()
            throw error
        }
        self.path = path
        self.file = file
        self.handle = handle
        self.functions = list.pointee
        self.initializedHere = result == CKR_OK
    }

    /// `C_GetFunctionList`, then `C_Initialize` with OS locking; also answers whether it was already initialised.
    private static func initialize(_ handle: UnsafeMutableRawPointer, path: String) throws(TokenError) -> (CK_FUNCTION_LIST_PTR, CK_RV) {
        guard let symbol = dlsym(handle, "C_GetFunctionList") else {
            throw .moduleNotLoadable(path: path, reason: "it has no C_GetFunctionList: not a PKCS#11 module")
        }
        let getFunctionList = unsafeBitCast(symbol, to: CK_C_GetFunctionList.self)
        var list: CK_FUNCTION_LIST_PTR?
        guard getFunctionList(&list) == CKR_OK, let list, let initialize = list.pointee.C_Initialize else {
            throw .moduleNotLoadable(path: path, reason: "C_GetFunctionList failed")
        }
        var arguments = CK_C_INITIALIZE_ARGS()
        arguments.flags = CK_FLAGS(CKF_OS_LOCKING_OK)
        let result = initialize(&arguments)
        guard result == CKR_OK || result == CKR_CRYPTOKI_ALREADY_INITIALIZED else {
            throw .moduleNotLoadable(path: path, reason: "C_Initialize failed (\(TokenError.name(of: result)))")
        }
        return (list, result)
    }

    private func unload() {
        if initializedHere { _ = functions.C_Finalize?(nil) }
        dlclose(handle)
        file.closeAfterUnload()
    }

    /// The slots that hold a token.
    func slotsWithToken() throws(TokenError) -> [CK_SLOT_ID] {
        var count: CK_ULONG = 0
        try check(functions.C_GetSlotList?(CK_BBOOL(CK_TRUE), nil, &count), "C_GetSlotList", uri: path)
        var slots = [CK_SLOT_ID](repeating: 0, count: Int(count))
        try check(functions.C_GetSlotList?(CK_BBOOL(CK_TRUE), &slots, &count), "C_GetSlotList", uri: path)
        return Array(slots.prefix(Int(count)))
    }

    func tokenInfo(_ slot: CK_SLOT_ID) throws(TokenError) -> CK_TOKEN_INFO {
        var info = CK_TOKEN_INFO()
        try check(functions.C_GetTokenInfo?(slot, &info), "C_GetTokenInfo", uri: path)
        return info
    }

    func slotInfo(_ slot: CK_SLOT_ID) throws(TokenError) -> CK_SLOT_INFO {
        var info = CK_SLOT_INFO()
        try check(functions.C_GetSlotInfo?(slot, &info), "C_GetSlotInfo", uri: path)
        return info
    }

    func libraryInfo() throws(TokenError) -> CK_INFO {
        var info = CK_INFO()
        try check(functions.C_GetInfo?(&info), "C_GetInfo", uri: path)
        return info
    }

    func mechanisms(_ slot: CK_SLOT_ID) throws(TokenError) -> Set<CK_MECHANISM_TYPE> {
        var count: CK_ULONG = 0
        try check(functions.C_GetMechanismList?(slot, nil, &count), "C_GetMechanismList", uri: path)
        var list = [CK_MECHANISM_TYPE](repeating: 0, count: Int(count))
        try check(functions.C_GetMechanismList?(slot, &list, &count), "C_GetMechanismList", uri: path)
        return Set(list.prefix(Int(count)))
    }
}

/// Turns a PKCS#11 return code into `TokenError`; a missing function is CKR_FUNCTION_NOT_SUPPORTED.
func check(_ result: CK_RV?, _ function: String, uri: String) throws(TokenError) {
    let code = result ?? CK_RV(CKR_FUNCTION_NOT_SUPPORTED)
    switch code {
    case CK_RV(CKR_OK): return
    case CK_RV(CKR_DEVICE_REMOVED), CK_RV(CKR_TOKEN_NOT_PRESENT), CK_RV(CKR_SESSION_HANDLE_INVALID), CK_RV(CKR_SESSION_CLOSED):
        throw .tokenRemoved(uri: uri)
    case CK_RV(CKR_PIN_LOCKED):
        throw .pinLocked(uri: uri)
    default:
        throw .failed(uri: uri, function: function, code: UInt(code))
    }
}

/// A fixed-width, blank-padded PKCS#11 text field (label, manufacturer, serial) as a string.
func paddedText<T>(_ field: T) -> String {
    withUnsafeBytes(of: field) { raw in
        var bytes = Array(raw)
        while let last = bytes.last, last == UInt8(ascii: " ") || last == 0 { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}
