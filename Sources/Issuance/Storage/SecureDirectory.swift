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
import RolesAnywhere

/// A private directory of small state files: directory 0700, files 0600, owned by this user.
///
/// Reads refuse files that others could read or that are symbolic links; writes are atomic
/// (temporary file in the same directory, fsync, rename, fsync of the directory); `withLock`
/// serialises read-modify-write cycles across processes with `flock`.
public struct SecureDirectory: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public func filePath(_ name: String) -> String { "\(path)/\(name)" }

    /// Whether the directory exists (without judging it).
    public var exists: Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Creates the directory 0700 (and missing parents 0700), or checks an existing one.
    public func create() throws(StoreError) {
        if !exists {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw .cannotCreate(path, reason: String(describing: error))
            }
        }
        try checkDirectory()
    }

    /// Refuses a directory that is a symbolic link, not ours, not a directory, or open to group or
    /// others. Only the last component is checked for a link: whoever could swap it could point
    /// rolecall at a directory they prepared; links higher up the path are the system's business.
    public func checkDirectory() throws(StoreError) {
        var info = stat()
        // Without trailing slashes: `lstat("link/")` follows the link.
        var unslashed = Substring(path)
        while unslashed.count > 1, unslashed.hasSuffix("/") { unslashed = unslashed.dropLast() }
        guard lstat(String(unslashed), &info) == 0 else { throw .missing(path) }
        if info.st_mode & S_IFMT == S_IFLNK { throw .symbolicLinkDirectory(String(unslashed)) }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw .notADirectory(path) }
        guard info.st_uid == geteuid() else { throw .wrongOwner(path) }
        guard info.st_mode & 0o077 == 0 else { throw .loosePermissions(path, mode: info.st_mode & 0o777, fix: "chmod 700") }
    }

    /// The file's bytes, or nil when it does not exist. Opened without blocking: a FIFO put in a
    /// state file's place would otherwise hang every command until someone writes to it.
    public func read(_ name: String) throws(StoreError) -> [UInt8]? {
        try checkDirectory()
        let file = filePath(name)
        let descriptor = open(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            if errno == ELOOP { throw .symbolicLink(file) }
            throw .cannotRead(file, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { throw .notARegularFile(file) }
        guard info.st_uid == geteuid() else { throw .wrongOwner(file) }
        guard info.st_mode & 0o077 == 0 else { throw .loosePermissions(file, mode: info.st_mode & 0o777, fix: "chmod 600") }
        guard info.st_size <= Self.maximumFileBytes else { throw .tooLarge(file) }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeMutableBytes { posixRead(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            offset += count
        }
        return Array(bytes[..<offset])
    }

    /// State files are small; a huge one is damage or an attack, not data.
    public static let maximumFileBytes = 1 << 20

    /// Replaces `name` atomically with `bytes`, mode 0600.
    public func write(_ name: String, _ bytes: [UInt8]) throws(StoreError) {
        try checkDirectory()
        let file = filePath(name)
        var template = Array("\(path)/.\(name).XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw .cannotWrite(file, reason: String(cString: strerror(errno))) }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var succeeded = false
        defer {
            close(descriptor)
            if !succeeded { unlink(temporary) }
        }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        fchmod(descriptor, 0o600)
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { posixWrite(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw .cannotWrite(file, reason: String(cString: strerror(errno))) }
            offset += count
        }
        guard fsync(descriptor) == 0 else { throw .cannotWrite(file, reason: String(cString: strerror(errno))) }
        guard rename(temporary, file) == 0 else { throw .cannotWrite(file, reason: String(cString: strerror(errno))) }
        succeeded = true
        let directory = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }

    /// Removes `name` if present.
    public func remove(_ name: String) throws(StoreError) {
        guard unlink(filePath(name)) == 0 || errno == ENOENT else {
            throw .cannotWrite(filePath(name), reason: String(cString: strerror(errno)))
        }
    }

    /// Runs `body` holding an exclusive lock on the directory's lock file, so that two rolecall
    /// processes never lose each other's update.
    public func withLock<T>(_ body: () throws -> T) throws -> T {
        try checkDirectory()
        let lockPath = filePath(".lock")
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            if errno == ELOOP { throw StoreError.symbolicLink(lockPath) }
            throw StoreError.cannotWrite(lockPath, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { throw StoreError.notARegularFile(lockPath) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw StoreError.cannotWrite(lockPath, reason: String(cString: strerror(errno))) }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }
}

/// A state file or directory problem, with the command that fixes it where there is one.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        // The home and its files.
        case missing, noLocalCA, notADirectory, wrongOwner, symbolicLinkDirectory, symbolicLink, notARegularFile, tooLarge
        case loosePermissions, cannotCreate, cannotRead, cannotWrite, damaged
        // The local CA's rotation.
        case noStagedCA, caStaged
    }

    public let code: Code
    public let description: String

    private init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    static func missing(_ path: String) -> StoreError {
        .init(.missing, "\(path) does not exist: run `rolecall init` to set up a local CA, or `rolecall login --issuer URL --user NAME` to use your team's issuer")
    }
    /// A home with no local CA: a team issuer's user needs none.
    static func noLocalCA(_ path: String) -> StoreError {
        .init(.noLocalCA, "this home has no local CA (\(path) does not exist): run `rolecall init` for one; profiles from `rolecall login` need none")
    }
    static func notADirectory(_ path: String) -> StoreError { .init(.notADirectory, "\(path) is not a directory") }
    static func wrongOwner(_ path: String) -> StoreError { .init(.wrongOwner, "\(path) belongs to another user: refusing to use it") }
    static func symbolicLinkDirectory(_ path: String) -> StoreError {
        let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)).map { " (it points to \(printableExcerpt($0, limit: 200)))" } ?? ""
        return .init(.symbolicLinkDirectory, "\(path) is a symbolic link\(target): refusing to follow it; set ROLECALL_HOME to the real directory")
    }
    static func symbolicLink(_ path: String) -> StoreError {
        .init(.symbolicLink, "\(path) is a symbolic link: refusing to follow it; replace it with a regular file")
    }
    static func notARegularFile(_ path: String) -> StoreError {
        .init(.notARegularFile, "\(path) is not a regular file (a FIFO, device or directory): refusing to use it; move it aside")
    }
    static func tooLarge(_ path: String) -> StoreError {
        .init(.tooLarge, "\(path) is larger than \(SecureDirectory.maximumFileBytes) bytes: it is damaged; move it aside and restore it")
    }
    static func loosePermissions(_ path: String, mode: mode_t, fix: String) -> StoreError {
        .init(.loosePermissions, "\(path) is readable or writable by others (mode \(String(mode, radix: 8))): run `\(fix) \(shellQuoted(path))` and try again")
    }
    static func cannotCreate(_ path: String, reason: String) -> StoreError { .init(.cannotCreate, "cannot create \(path): \(reason)") }
    static func cannotRead(_ path: String, reason: String) -> StoreError { .init(.cannotRead, "cannot read \(path): \(reason)") }
    static func cannotWrite(_ path: String, reason: String) -> StoreError { .init(.cannotWrite, "cannot write \(path): \(reason)") }
    public static func damaged(_ path: String, detail: String) -> StoreError {
        .init(.damaged, "\(path) is damaged (\(detail)); it was left untouched: fix it by hand or move it aside")
    }
    static func noStagedCA() -> StoreError { .init(.noStagedCA, "no CA is staged: run `rolecall ca rotate --stage` first") }
    static func caStaged() -> StoreError {
        .init(.caStaged, "a CA is staged: switch to it with `rolecall ca rotate --promote` once the trust anchor has it")
    }
}

// The system calls, under names that the methods `read` and `write` above do not shadow.
private func posixRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(descriptor, buffer, count) }
private func posixWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(descriptor, buffer, count) }
