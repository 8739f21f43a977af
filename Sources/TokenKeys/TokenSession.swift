import CPKCS11
import RolesAnywhere
import Synchronization

/// One session with the token a URI names, logged in as its user when the token asks for it.
///
/// Calls are serialised: a PKCS#11 session is not for concurrent use. `close()` logs out and ends
/// the session; the module lease ends with it.
final class TokenSession: @unchecked Sendable {
    let module: PKCS11Module
    let slot: CK_SLOT_ID
    let uri: PKCS11URI
    let tokenLabel: String
    private let state: Mutex<CK_SESSION_HANDLE?>
    /// The PIN, kept only for keys that ask for it again before each signature
    /// (`CKA_ALWAYS_AUTHENTICATE`): wiped once a key that does not is found, or on close.
    private let pin: SecretBytes?

    private var uriText: String { uri.description }

    /// Finds the one token matching `uri`, opens a session and logs in with `pin` where needed.
    /// Takes over the caller's lease of `module` when it succeeds; when it throws, the lease is still the caller's.
    init(module: PKCS11Module, uri: PKCS11URI, readWrite: Bool, pin: (_ tokenLabel: String) throws -> SecretBytes) throws {
        let matching = try Self.matchingSlots(module, uri)
        guard let slot = matching.first else { throw TokenError.tokenNotPresent(uri: uri.description) }
        guard matching.count == 1 else { throw TokenError.ambiguousToken(uri: uri.description, count: matching.count) }
        let info = try module.tokenInfo(slot)
        let label = paddedText(info.label)
        var session: CK_SESSION_HANDLE = 0
        let flags = CK_FLAGS(CKF_SERIAL_SESSION) | (readWrite ? CK_FLAGS(CKF_RW_SESSION) : 0)
        try check(module.functions.C_OpenSession?(slot, flags, nil, nil, &session), "C_OpenSession", uri: uri.description)
        var secret: SecretBytes?
        do {
            if info.flags & CK_FLAGS(CKF_LOGIN_REQUIRED) != 0 {
                if info.flags & CK_FLAGS(CKF_USER_PIN_LOCKED) != 0 { throw TokenError.pinLocked(uri: uri.description) }
                // A PIN pad or a touch (protected authentication path): the token asks the person itself.
                if info.flags & CK_FLAGS(CKF_PROTECTED_AUTHENTICATION_PATH) == 0 { secret = try pin(label) }
                try Self.login(module, slot: slot, session, userType: CK_USER_TYPE(CKU_USER), pin: secret, uri: uri.description)
            }
        } catch {
            secret?.wipe()
            _ = module.functions.C_CloseSession?(session)
            throw error
        }
        self.module = module
        self.uri = uri
        self.slot = slot
        self.tokenLabel = label
        self.pin = secret
        self.state = Mutex(session)
    }

    /// Logs out, ends the session, wipes the PIN and ends the module lease. Idempotent.
    func close() {
        let session = state.withLock { state -> CK_SESSION_HANDLE? in
            defer { state = nil }
            return state
        }
        guard let session else { return }
        _ = module.functions.C_Logout?(session)
        _ = module.functions.C_CloseSession?(session)
        pin?.wipe()
        module.release()
    }

    deinit { close() }

    /// Wipes the PIN kept for context-specific logins: the key in use will not ask for one.
    func forgetPIN() { pin?.wipe() }

    /// Runs `body` with the open session, one call at a time.
    func withSession<T>(_ body: (CK_SESSION_HANDLE) throws -> T) throws -> T {
        try state.withLock { state in
            guard let session = state else { throw TokenError.sessionEnded }
            return try body(session)
        }
    }

    private static func login(_ module: PKCS11Module, slot: CK_SLOT_ID, _ session: CK_SESSION_HANDLE, userType: CK_USER_TYPE,
                              pin: SecretBytes?, uri: String) throws(TokenError) {
        let result: CK_RV? = if let pin {
            pin.withUnsafeBytes { bytes in
                let base = bytes.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: CK_UTF8CHAR.self)) }
                return module.functions.C_Login?(session, userType, base, CK_ULONG(bytes.count))
            }
        } else {
            module.functions.C_Login?(session, userType, nil, 0)
        }
        switch result {
        case CK_RV(CKR_USER_ALREADY_LOGGED_IN) where userType == CK_USER_TYPE(CKU_USER):
            return
        case CK_RV(CKR_PIN_INCORRECT), CK_RV(CKR_PIN_INVALID), CK_RV(CKR_PIN_LEN_RANGE):
            // PKCS#11 gives flags, not counts; read them after the failure.
            let flags = (try? module.tokenInfo(slot).flags) ?? 0
            if flags & CK_FLAGS(CKF_USER_PIN_LOCKED) != 0 { throw .pinLocked(uri: uri) }
            let left: TokenError.AttemptsLeft = flags & CK_FLAGS(CKF_USER_PIN_FINAL_TRY) != 0 ? .last
                : flags & CK_FLAGS(CKF_USER_PIN_COUNT_LOW) != 0 ? .few : .unknown
            throw .pinIncorrect(uri: uri, left: left)
        default:
            try check(result, "C_Login", uri: uri)
        }
    }

    // MARK: Objects

    /// Objects of `objectClass` matching the URI's `object=` and `id=` (or the label and id given).
    func findObjects(class objectClass: CK_OBJECT_CLASS, label: String?, id: [UInt8]?) throws -> [CK_OBJECT_HANDLE] {
        var template = [TemplateAttribute(CKA_CLASS, ulong: objectClass)]
        if let label { template.append(TemplateAttribute(CKA_LABEL, Array(label.utf8))) }
        if let id { template.append(TemplateAttribute(CKA_ID, id)) }
        return try withSession { session in
            let functions = module.functions
            try template.withAttributes { pointer, count in
                try check(functions.C_FindObjectsInit?(session, pointer, count), "C_FindObjectsInit", uri: uriText)
            }
            defer { _ = functions.C_FindObjectsFinal?(session) }
            var found: [CK_OBJECT_HANDLE] = []
            var batch = [CK_OBJECT_HANDLE](repeating: 0, count: 16)
            while true {
                var count: CK_ULONG = 0
                try check(functions.C_FindObjects?(session, &batch, CK_ULONG(batch.count), &count), "C_FindObjects", uri: uriText)
                found += batch.prefix(Int(count))
                if count < batch.count { return found }
            }
        }
    }

    /// One attribute's value; nil when the object does not have it or keeps it secret.
    func attribute(_ type: CK_ATTRIBUTE_TYPE, of object: CK_OBJECT_HANDLE) throws -> [UInt8]? {
        try withSession { session in
            var attribute = CK_ATTRIBUTE(type: type, pValue: nil, ulValueLen: 0)
            let sized = module.functions.C_GetAttributeValue?(session, object, &attribute, 1)
            if sized == CK_RV(CKR_ATTRIBUTE_TYPE_INVALID) || sized == CK_RV(CKR_ATTRIBUTE_SENSITIVE) { return nil }
            try check(sized, "C_GetAttributeValue", uri: uriText)
            // CK_UNAVAILABLE_INFORMATION, (~0UL), which Swift does not import.
            guard attribute.ulValueLen != CK_ULONG.max else { return nil }
            var value = [UInt8](repeating: 0, count: Int(attribute.ulValueLen))
            try value.withUnsafeMutableBytes { buffer in
                attribute.pValue = buffer.baseAddress
                try check(module.functions.C_GetAttributeValue?(session, object, &attribute, 1), "C_GetAttributeValue", uri: uriText)
            }
            return Array(value.prefix(Int(attribute.ulValueLen)))
        }
    }

    func boolAttribute(_ type: CK_ATTRIBUTE_TYPE, of object: CK_OBJECT_HANDLE) throws -> Bool? {
        try attribute(type, of: object).map { $0.first.map { $0 != 0 } ?? false }
    }

    func ulongAttribute(_ type: CK_ATTRIBUTE_TYPE, of object: CK_OBJECT_HANDLE) throws -> CK_ULONG? {
        try attribute(type, of: object).flatMap { bytes in
            guard bytes.count == MemoryLayout<CK_ULONG>.size else { return nil }
            return bytes.withUnsafeBytes { $0.loadUnaligned(as: CK_ULONG.self) }
        }
    }

    // MARK: Keys

    /// Generates a key pair on the token: the private half sensitive, never extractable, kept on the token.
    func generateKeyPair(mechanism: CK_MECHANISM_TYPE, publicTemplate: [TemplateAttribute], privateTemplate: [TemplateAttribute]) throws -> CK_OBJECT_HANDLE {
        try withSession { session in
            var mechanism = CK_MECHANISM(mechanism: mechanism, pParameter: nil, ulParameterLen: 0)
            var publicKey: CK_OBJECT_HANDLE = 0
            var privateKey: CK_OBJECT_HANDLE = 0
            try publicTemplate.withAttributes { publicPointer, publicCount in
                try privateTemplate.withAttributes { privatePointer, privateCount in
                    try check(module.functions.C_GenerateKeyPair?(session, &mechanism, publicPointer, publicCount, privatePointer, privateCount,
                                                                  &publicKey, &privateKey),
                              "C_GenerateKeyPair", uri: uriText)
                }
            }
            return privateKey
        }
    }

    /// One signature with `key`; a key that asks for its PIN before each signature gets it again.
    func sign(_ data: [UInt8], key: CK_OBJECT_HANDLE, mechanism: CK_MECHANISM_TYPE, alwaysAuthenticate: Bool) throws -> [UInt8] {
        try withSession { session in
            var mechanism = CK_MECHANISM(mechanism: mechanism, pParameter: nil, ulParameterLen: 0)
            try check(module.functions.C_SignInit?(session, &mechanism, key), "C_SignInit", uri: uriText)
            if alwaysAuthenticate {
                try Self.login(module, slot: slot, session, userType: CK_USER_TYPE(CKU_CONTEXT_SPECIFIC), pin: pin, uri: uriText)
            }
            var input = data
            // Large enough for RSA-4096; CKR_BUFFER_TOO_SMALL leaves the operation active with the size.
            var signature = [UInt8](repeating: 0, count: 512)
            var length = CK_ULONG(signature.count)
            var result = module.functions.C_Sign?(session, &input, CK_ULONG(input.count), &signature, &length)
            if result == CK_RV(CKR_BUFFER_TOO_SMALL) {
                signature = [UInt8](repeating: 0, count: Int(length))
                result = module.functions.C_Sign?(session, &input, CK_ULONG(input.count), &signature, &length)
            }
            try check(result, "C_Sign", uri: uriText)
            return Array(signature.prefix(Int(length)))
        }
    }

    // MARK: Token matching

    /// The slots whose token (and slot and library) match the URI's attributes.
    private static func matchingSlots(_ module: PKCS11Module, _ uri: PKCS11URI) throws -> [CK_SLOT_ID] {
        let library = try module.libraryInfo()
        let libraryFields = [
            "library-manufacturer": paddedText(library.manufacturerID),
            "library-description": paddedText(library.libraryDescription),
            "library-version": "\(library.libraryVersion.major).\(library.libraryVersion.minor)",
        ]
        guard libraryFields.allSatisfy({ name, value in uri.attributes[name].map { $0 == value } ?? true }) else { return [] }
        return try module.slotsWithToken().filter { slot in
            let token = try module.tokenInfo(slot)
            let slotInfo = try module.slotInfo(slot)
            let fields = [
                "token": paddedText(token.label), "manufacturer": paddedText(token.manufacturerID),
                "model": paddedText(token.model), "serial": paddedText(token.serialNumber),
                "slot-id": String(slot), "slot-description": paddedText(slotInfo.slotDescription),
                "slot-manufacturer": paddedText(slotInfo.manufacturerID),
            ]
            return fields.allSatisfy { name, value in uri.attributes[name].map { $0 == value } ?? true }
        }
    }
}

/// One attribute of a template, its value owned here.
struct TemplateAttribute {
    let type: CK_ATTRIBUTE_TYPE
    let value: [UInt8]

    init(_ type: some BinaryInteger, _ value: [UInt8]) {
        self.type = CK_ATTRIBUTE_TYPE(type)
        self.value = value
    }

    init(_ type: some BinaryInteger, bool: Bool) {
        self.init(type, [bool ? UInt8(CK_TRUE) : UInt8(CK_FALSE)])
    }

    init(_ type: some BinaryInteger, ulong: some BinaryInteger) {
        self.init(type, withUnsafeBytes(of: CK_ULONG(ulong)) { Array($0) })
    }
}

extension Array where Element == TemplateAttribute {
    /// Runs `body` with a `CK_ATTRIBUTE` array whose values point into buffers alive for the call.
    func withAttributes<T>(_ body: (UnsafeMutablePointer<CK_ATTRIBUTE>?, CK_ULONG) throws -> T) throws -> T {
        let buffers = map { attribute -> UnsafeMutableRawBufferPointer in
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(attribute.value.count, 1), alignment: 8)
            buffer.copyBytes(from: attribute.value)
            return buffer
        }
        defer { buffers.forEach { $0.deallocate() } }
        var attributes = zip(self, buffers).map { attribute, buffer in
            CK_ATTRIBUTE(type: attribute.type, pValue: buffer.baseAddress, ulValueLen: CK_ULONG(attribute.value.count))
        }
        return try attributes.withUnsafeMutableBufferPointer { pointer in
            try body(pointer.baseAddress, CK_ULONG(pointer.count))
        }
    }
}
