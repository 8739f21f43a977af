#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A PKCS#11 module file opened for `dlopen`, after the checks that keep code someone else can
/// write out of rolecall's process (a module's constructors run as the user, with the PIN to come).
///
/// The rule (SECURITY.md, "Keys on tokens"), judged on the path with every symbolic link resolved:
/// - the path is absolute: a relative one would be looked up from whatever directory rolecall runs in;
/// - the file is a regular file owned by the user or root, writable by neither group nor others;
/// - the directory holding it is owned by the user or root and writable by neither group nor others,
///   sticky or not (another user could replace the file, or create its name first);
/// - every directory above is owned by the user or root and writable by neither group nor others,
///   unless it is sticky (`/tmp`) and the entry below it on the path is owned by the user or root:
///   then nobody else can rename or remove that entry.
///
/// The descriptor that was checked is what `dlopen` loads (`/proc/self/fd/N` on Linux), so the file
/// cannot be swapped between the check and the load.
struct ModuleFile {
    let descriptor: Int32
    /// What `dlopen` is given.
    let loadPath: String

    /// Opens and checks the module at `path`.
    static func openChecked(_ path: String) throws(TokenError) -> ModuleFile {
        guard path.hasPrefix("/") else { throw .moduleNotAbsolute(path: path) }
        guard let resolved = realpath(path, nil) else {
            throw errno == ENOENT ? .moduleNotFound(path: path) : .moduleNotLoadable(path: path, reason: String(cString: strerror(errno)))
        }
        let real = String(cString: resolved)
        free(resolved)
        let descriptor = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { throw .moduleNotLoadable(path: path, reason: String(cString: strerror(errno))) }
        do {
            try check(real, descriptor: descriptor, given: path)
        } catch {
            close(descriptor)
            throw error
        }
        #if os(Linux)
        return ModuleFile(descriptor: descriptor, loadPath: "/proc/self/fd/\(descriptor)")
        #else
        // No /proc: the directories just checked let nobody else swap the file before the load.
        return ModuleFile(descriptor: descriptor, loadPath: real)
        #endif
    }

    /// Closes the descriptor once the module is unloaded, unless the loader still holds an object
    /// by the name `/proc/self/fd/N`: glibc answers a later `dlopen` of the same name with that
    /// object, so the number must not come back for another module. A module that stays resident
    /// after `dlclose` (NODELETE) keeps its descriptor for the life of the process (close-on-exec).
    func closeAfterUnload() {
        #if os(Linux)
        if let resident = dlopen(loadPath, RTLD_LAZY | RTLD_NOLOAD) {
            dlclose(resident)
            return
        }
        #endif
        close(descriptor)
    }

    /// The rule above, for the file open as `descriptor` at the resolved path `real`.
    private static func check(_ real: String, descriptor: Int32, given path: String) throws(TokenError) {
        var file = stat()
        guard fstat(descriptor, &file) == 0, file.st_mode & S_IFMT == S_IFREG else {
            throw .moduleNotLoadable(path: path, reason: "\(real) is not a regular file")
        }
        if let problem = Self.problem(real, file, kind: "the module") { throw .moduleUnsafe(path: path, reason: problem) }
        var below = file
        var directory = parent(of: real)
        var holdsModule = true
        while true {
            var status = stat()
            guard lstat(directory, &status) == 0 else { throw .moduleNotLoadable(path: path, reason: "cannot examine \(directory)") }
            // A sticky directory keeps others from renaming or removing an entry they do not own.
            let shelters = !holdsModule && status.st_mode & S_ISVTX != 0 && isTrusted(below.st_uid)
            if !shelters, let problem = Self.problem(directory, status, kind: holdsModule ? "the directory holding the module" : "a directory above the module") {
                throw .moduleUnsafe(path: path, reason: problem)
            }
            if directory == "/" { break }
            below = status
            holdsModule = false
            directory = parent(of: directory)
        }
        var atPath = stat()
        guard stat(real, &atPath) == 0, atPath.st_ino == file.st_ino, atPath.st_dev == file.st_dev else {
            throw .moduleNotLoadable(path: path, reason: "\(real) changed while it was checked")
        }
    }

    /// Why someone other than the user or root could write `path`, if they could.
    private static func problem(_ path: String, _ status: stat, kind: String) -> String? {
        if !isTrusted(status.st_uid) { return "\(kind) \(path) belongs to another user (uid \(status.st_uid))" }
        let mode = status.st_mode & 0o7777
        guard mode & 0o022 != 0 else { return nil }
        return "\(kind) \(path) is writable by \(mode & 0o002 != 0 ? "others" : "its group") (mode \(String(mode, radix: 8)))"
    }

    /// The user rolecall runs as, or root.
    private static func isTrusted(_ owner: uid_t) -> Bool { owner == geteuid() || owner == 0 }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }
}
