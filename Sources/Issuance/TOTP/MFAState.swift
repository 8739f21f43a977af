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

/// What the replay guard and lockout remember about each TOTP device (persisted, not secret).
public struct MFAState: Codable, Sendable, Equatable {
    public struct Device: Codable, Sendable, Equatable {
        /// The highest time step accepted so far; codes at or below it are replays.
        public var lastAcceptedStep: Int64?
        public var consecutiveFailures: Int = 0
        public var lockedUntil: Date?
        public var lastUsed: Date?

        public init() {}
    }

    public var devices: [String: Device] = [:]

    public init() {}
}

/// Durable read-modify-write of `MFAState`: the update is on disk before `update` returns.
public protocol MFAStateStore: Sendable {
    func update<T>(_ body: (inout MFAState) throws -> T) throws -> T
    func load() throws -> MFAState
}

/// `MFAState` in a JSON file of a `SecureDirectory`, updated under the directory's lock.
public struct FileMFAStateStore: MFAStateStore {
    private let file: JSONFile<MFAState>

    public init(directory: SecureDirectory, name: String = "mfa-state.json") {
        self.file = JSONFile(directory: directory, name: name)
    }

    public var path: String { file.path }

    /// Whether the file is there (`init` writes it, so its absence later means someone removed it).
    public var exists: Bool {
        var info = stat()
        return lstat(file.path, &info) == 0
    }

    /// Writes an empty state when there is none.
    public func createIfAbsent() throws {
        try file.directory.withLock {
            if try file.load() == nil { try file.save(MFAState()) }
        }
    }

    public func load() throws -> MFAState {
        try file.load() ?? MFAState()
    }

    public func update<T>(_ body: (inout MFAState) throws -> T) throws -> T {
        try file.directory.withLock {
            var state = try load()
            let before = state
            let result: T
            do {
                result = try body(&state)
            } catch {
                // A refusal still records what changed (failure counts, lockout) before it is reported.
                if state != before { try file.save(state) }
                throw error
            }
            if state != before { try file.save(state) }
            return result
        }
    }
}
