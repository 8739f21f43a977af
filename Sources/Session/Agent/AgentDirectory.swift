#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The private directory an agent's socket lives in: `rolecall-agent-XXXXXX` made by `mkdtemp`
/// under `$XDG_RUNTIME_DIR` when that is set, else under `$TMPDIR` or /tmp; a directory (not a
/// link), ours, mode 0700, holding `agent.sock`. Only this user can reach the socket through it.
public struct AgentDirectory: Sendable, Equatable {
    public static let prefix = "rolecall-agent-"
    public static let socketName = "agent.sock"

    public let path: String
    public var socketPath: String { path + "/" + Self.socketName }

    init(path: String) {
        self.path = path
    }

    /// A fresh directory, in the first place that is safe and where the socket's path fits a Unix
    /// socket's 108 bytes (a long `$XDG_RUNTIME_DIR` falls back to `$TMPDIR` or /tmp); when none
    /// will do, the refusal says why.
    public static func create(environment: [String: String]) throws(AgentError) -> AgentDirectory {
        let candidates = bases(environment: environment)
        var failure = AgentError.pathTooLong(socketPath(under: candidates.last ?? "/tmp"))
        for base in candidates where fits(under: base) {
            do {
                try checkBase(base)
                return try make(under: base)
            } catch {
                failure = error
            }
        }
        throw failure
    }

    private static func make(under base: String) throws(AgentError) -> AgentDirectory {
        var template = Array((base + "/" + prefix + "XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!).map { String(cString: $0) } }
        guard let made else { throw .socketFailed("make a directory for", base, errno: errno) }
        let directory = AgentDirectory(path: made)
        // mkdtemp's 0700 is narrowed by the umask; a umask that takes the owner's bits away would
        // leave a directory the socket cannot be made in.
        _ = chmod(directory.path, 0o700)
        try verify(directory.path)
        return directory
    }

    /// Where agent directories are made, in order: `$XDG_RUNTIME_DIR`, then `$TMPDIR` or /tmp.
    static func bases(environment: [String: String]) -> [String] {
        let runtime = environment["XDG_RUNTIME_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        let temporary = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        return [runtime, temporary].compactMap { $0.map(trimmed) }
    }

    private static func trimmed(_ base: String) -> String {
        base.count > 1 && base.hasSuffix("/") ? String(base.dropLast()) : base
    }

    private static func socketPath(under base: String) -> String { base + "/" + prefix + "XXXXXX/" + socketName }

    private static func fits(under base: String) -> Bool { socketPath(under: base).utf8.count <= UnixSocket.maximumPathBytes }

    /// The place itself: a directory only its owner can change (XDG_RUNTIME_DIR), or a sticky one
    /// such as /tmp, where nobody else can rename or remove what we make in it.
    static func checkBase(_ base: String) throws(AgentError) {
        var status = stat()
        guard stat(base, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else { throw .unsafeDirectory(base, "it is not a directory") }
        let ownedPrivately = status.st_uid == geteuid() && status.st_mode & 0o022 == 0
        guard ownedPrivately || status.st_mode & S_ISVTX != 0 else {
            throw .unsafeDirectory(base, "others can write to it and it is not sticky")
        }
    }

    /// A directory, not a link to one, owned by this user, mode exactly 0700.
    static func verify(_ path: String) throws(AgentError) {
        var status = stat()
        guard lstat(path, &status) == 0 else { throw .unsafeDirectory(path, "it cannot be examined (\(UnixSocket.reason(errno)))") }
        guard status.st_mode & S_IFMT == S_IFDIR else { throw .unsafeDirectory(path, "it is not a directory (a link or a file)") }
        guard status.st_uid == geteuid() else { throw .unsafeDirectory(path, "it belongs to uid \(status.st_uid), not to you") }
        guard status.st_mode & 0o7777 == 0o700 else {
            throw .unsafeDirectory(path, "its mode is \(String(status.st_mode & 0o7777, radix: 8)), not 700")
        }
    }

    /// Removes the socket and the directory (only if nothing else is in it).
    public func remove() {
        unlink(socketPath)
        rmdir(path)
    }
}
