#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// This user's agent directories whose agent has ended without removing them (killed, or the
/// machine lost power): for `rolecall agent --list`.
extension AgentDirectory {
    /// A directory found with no socket in it is left alone this long: an agent that has just made
    /// it may not have bound its socket yet.
    static let socketlessGraceSeconds = 60

    /// Ours, private, and nobody listening on the socket (connect refused), or no socket long after
    /// the directory was made.
    public static func staleDirectories(environment: [String: String]) -> [AgentDirectory] {
        staleDirectories(in: places(environment: environment))
    }

    /// Removes what `staleDirectories` finds and says which.
    @discardableResult
    public static func removeStale(environment: [String: String]) -> [AgentDirectory] {
        removeStale(in: places(environment: environment))
    }

    /// This user's agents that answer, with the pid the kernel gives for the listening end.
    public static func live(environment: [String: String]) -> [(directory: AgentDirectory, pid: pid_t?)] {
        places(environment: environment).flatMap(entries(under:)).compactMap { directory in
            guard let descriptor = try? UnixSocket.connected(to: directory.socketPath, timeout: .seconds(1)) else { return nil }
            defer { close(descriptor) }
            return (directory, PeerCredentials(socket: descriptor)?.pid)
        }
    }

    static func staleDirectories(in places: [String]) -> [AgentDirectory] {
        places.flatMap(entries(under:)).filter(\.isStale)
    }

    static func removeStale(in places: [String]) -> [AgentDirectory] {
        let stale = staleDirectories(in: places)
        for directory in stale { directory.remove() }
        return stale
    }

    /// Every place an agent of this user may have made its directory, whatever the environment was
    /// then: the current `$XDG_RUNTIME_DIR` and `$TMPDIR`, and /tmp.
    private static func places(environment: [String: String]) -> [String] {
        var seen: [String] = []
        for place in bases(environment: environment) + ["/tmp"] where !seen.contains(place) { seen.append(place) }
        return seen
    }

    private static func entries(under base: String) -> [AgentDirectory] {
        guard let stream = opendir(base) else { return [] }
        defer { closedir(stream) }
        var found: [AgentDirectory] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.hasPrefix(prefix) else { continue }
            let directory = AgentDirectory(path: base + "/" + name)
            if (try? verify(directory.path)) != nil { found.append(directory) }
        }
        return found
    }

    private var isStale: Bool {
        do {
            let descriptor = try UnixSocket.connected(to: socketPath, timeout: .seconds(1))
            close(descriptor)  // an agent answers: it sees a connection that asked nothing, and drops it
            return false
        } catch {
            if error.errno == ECONNREFUSED { return true }
            return error.errno == ENOENT && age >= Self.socketlessGraceSeconds
        }
    }

    private var age: Int {
        var status = stat()
        guard lstat(path, &status) == 0 else { return 0 }
        return time(nil) - status.st_mtim.tv_sec
    }
}
