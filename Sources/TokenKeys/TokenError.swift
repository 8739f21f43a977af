import CPKCS11

/// What went wrong with a PKCS#11 module, token or key, naming the URI (never the PIN) and what to do.
public enum TokenError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The PIN was wrong; the token may say that few attempts, or one, are left.
    public enum AttemptsLeft: Sendable, Equatable {
        case unknown, few, last
    }

    case invalidURI(String)
    case moduleNotFound(path: String)
    case noModule
    case moduleNotLoadable(path: String, reason: String)
    /// A relative path or a bare library name: it would be looked up from wherever rolecall runs.
    case moduleNotAbsolute(path: String)
    /// A relative path remembered in the config by an earlier rolecall.
    case rememberedModuleNotAbsolute(path: String)
    /// Someone other than the user or root could write the module or a directory on its path.
    case moduleUnsafe(path: String, reason: String)
    case tokenNotPresent(uri: String)
    case ambiguousToken(uri: String, count: Int)
    case objectNotFound(uri: String)
    case ambiguousObject(uri: String, count: Int)
    case pinIncorrect(uri: String, left: AttemptsLeft)
    case pinLocked(uri: String)
    case pinUnavailable(uri: String, reason: String)
    case unsupportedKey(uri: String, detail: String)
    case keyMismatch(uri: String)
    case tokenRemoved(uri: String)
    case sessionEnded
    case notExportable
    case failed(uri: String, function: String, code: UInt)

    public var description: String {
        switch self {
        case .invalidURI(let detail):
            return detail
        case .moduleNotFound(let path):
            return "the PKCS#11 module \(path) does not exist: install it (SoftHSM: apt install softhsm2; YubiKey: ykcs11; TPM: libtpm2-pkcs11-1) or pass --pkcs11-module PATH"
        case .noModule:
            return "no PKCS#11 module is set and p11-kit's proxy is not installed: pass --pkcs11-module PATH, add module-path= to the URI, set ROLECALL_PKCS11_MODULE, or install p11-kit"
        case .moduleNotLoadable(let path, let reason):
            return "could not load the PKCS#11 module \(path): \(reason)"
        case .moduleNotAbsolute(let path):
            return "the PKCS#11 module \(path) is not an absolute path, so it would be looked up from whatever directory rolecall runs in: give its full path (e.g. /usr/lib/softhsm/libsofthsm2.so) with --pkcs11-module, module-path= in the URI, or ROLECALL_PKCS11_MODULE"
        case .rememberedModuleNotAbsolute(let path):
            return "the config remembers the PKCS#11 module as \(path), a relative path that would be looked up from whatever directory rolecall runs in: pass --pkcs11-module /full/path/to/module.so, and remember that with `rolecall profile add NAME --force ... --pkcs11-module /full/path/to/module.so` (a profile's own key) or `rolecall ca rotate --ca-key pkcs11:URI --pkcs11-module /full/path/to/module.so` (the local CA's key)"
        case .moduleUnsafe(let path, let reason):
            return "refusing to load the PKCS#11 module \(path): \(reason), so someone else could put their code into rolecall; make the module and every directory above it writable only by you or root (e.g. `chmod go-w`), or install it under a root-owned directory such as /usr/lib"
        case .tokenNotPresent(let uri):
            return "no token matches \(uri): insert it, or check token= (`pkcs11-tool --module MODULE -L` lists the tokens)"
        case .ambiguousToken(let uri, let count):
            return "\(count) tokens match \(uri): add serial= or token= to name one"
        case .objectNotFound(let uri):
            return "the token holds no key \(uri): check object= and id= (`pkcs11-tool --module MODULE --login -O` lists the objects)"
        case .ambiguousObject(let uri, let count):
            return "\(count) keys match \(uri): add id= or object= to name one"
        case .pinIncorrect(let uri, let left):
            let warning = switch left {
            case .unknown: ""
            case .few: " Few attempts are left before the token locks its PIN."
            case .last: " One attempt is left: a wrong PIN now locks the token."
            }
            return "the token refused the PIN for \(uri): nothing was signed.\(warning)"
        case .pinLocked(let uri):
            return "the token's PIN is locked after too many wrong PINs (\(uri)): unblock it with the security officer PIN (`pkcs11-tool --module MODULE --login --login-type so --init-pin`; YubiKey: `ykman piv access unblock-pin`)"
        case .pinUnavailable(let uri, let reason):
            return "the token \(uri) needs its PIN: \(reason)"
        case .unsupportedKey(let uri, let detail):
            return "the key \(uri) cannot sign here: \(detail); rolecall signs with EC P-256 or P-384 keys, or RSA keys of 2048 bits or more"
        case .keyMismatch(let uri):
            return "the key \(uri) is not the one this certificate was made for: point the URI at the key the certificate was issued to"
        case .tokenRemoved(let uri):
            return "the token \(uri) was removed while rolecall used it: insert it and run the command again"
        case .sessionEnded:
            return "the token's session already ended: the key is only usable inside the command that opened it"
        case .notExportable:
            return "a key on a token cannot be exported"
        case .failed(let uri, let function, let code):
            return "the PKCS#11 module failed \(function) for \(uri) (\(Self.name(of: code)))"
        }
    }

    /// The codes a person may look up; others as hex.
    static func name(of code: UInt) -> String {
        let names: [UInt: String] = [
            UInt(CKR_GENERAL_ERROR): "CKR_GENERAL_ERROR", UInt(CKR_FUNCTION_FAILED): "CKR_FUNCTION_FAILED",
            UInt(CKR_ARGUMENTS_BAD): "CKR_ARGUMENTS_BAD", UInt(CKR_DEVICE_ERROR): "CKR_DEVICE_ERROR",
            UInt(CKR_KEY_TYPE_INCONSISTENT): "CKR_KEY_TYPE_INCONSISTENT", UInt(CKR_MECHANISM_INVALID): "CKR_MECHANISM_INVALID",
            UInt(CKR_TOKEN_WRITE_PROTECTED): "CKR_TOKEN_WRITE_PROTECTED", UInt(CKR_USER_NOT_LOGGED_IN): "CKR_USER_NOT_LOGGED_IN",
            UInt(CKR_TEMPLATE_INCONSISTENT): "CKR_TEMPLATE_INCONSISTENT", UInt(CKR_ATTRIBUTE_VALUE_INVALID): "CKR_ATTRIBUTE_VALUE_INVALID",
            UInt(CKR_DEVICE_MEMORY): "CKR_DEVICE_MEMORY", UInt(CKR_FUNCTION_NOT_SUPPORTED): "CKR_FUNCTION_NOT_SUPPORTED",
        ]
        return names[code] ?? "CKR 0x" + String(code, radix: 16)
    }
}
