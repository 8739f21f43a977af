import CHardening
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// argv and envp for the C calls that start programs.
public enum CStrings {
    /// Runs `body` with a NULL-terminated C array of copies of `strings`, zeroed and freed afterwards
    /// (environment strings hold credentials).
    public static func with<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer {
            for pointer in pointers {
                guard let pointer else { continue }
                rolecall_secure_zero(pointer, strlen(pointer))
                free(pointer)
            }
        }
        return body(pointers)
    }
}
