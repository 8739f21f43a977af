#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// rolecall's other programs (`rolecall-issuer`, `rolesanywhere-emulator`), found the way git finds
/// its external subcommands: next to the running binary first, so an install keeps its programs
/// together, then on PATH.
public enum CompanionProgram {
    public struct NotInstalled: Error, Sendable, CustomStringConvertible {
        public let name: String
        public let searched: String
        public var description: String {
            "\(name) is not installed (looked in \(searched) and on PATH): install it next to rolecall (`make install` installs all three programs)"
        }
    }

    /// The executable named `name`, next to this one or on `environment`'s PATH.
    public static func locate(_ name: String, environment: [String: String]) throws(NotInstalled) -> String {
        // A file that is there but not executable is returned too: starting it then fails with
        // 126 and the system's reason, which says more than "not installed".
        let directory = runningExecutableDirectory()
        if let directory, access("\(directory)/\(name)", F_OK) == 0 { return "\(directory)/\(name)" }
        if let found = try? ProcessLauncher.resolve(name, path: environment["PATH"]) { return found }
        throw NotInstalled(name: name, searched: directory ?? "this program's directory")
    }

    /// The directory of the running binary: the kernel's answer where it gives one (a symlinked
    /// `rolecall` still finds its real neighbours), else argv[0] when it holds a path.
    static func runningExecutableDirectory() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let path = length > 0 ? String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments.first ?? ""
        guard let slash = path.lastIndex(of: "/") else { return nil }
        return String(path[..<slash])
    }
}
