import Foundation
@testable import Session
import TestSupport
import Testing

@Suite(.removesTemporaryFiles) struct AgentDirectoryTests {
    func mode(_ path: String) -> (mode: mode_t, uid: uid_t, isDirectory: Bool) {
        var status = stat()
        lstat(path, &status)
        return (status.st_mode & 0o7777, status.st_uid, status.st_mode & S_IFMT == S_IFDIR)
    }

    @Test func aPrivateDirectoryUnderXDGRuntimeDir() throws {
        let runtime = try Paths.temporaryDirectory("xdg")
        let directory = try AgentDirectory.create(environment: ["XDG_RUNTIME_DIR": runtime, "TMPDIR": "/nonexistent"])
        defer { directory.remove() }
        #expect(directory.path.hasPrefix(runtime + "/rolecall-agent-"))
        #expect(directory.socketPath == directory.path + "/agent.sock")
        let found = mode(directory.path)
        #expect(found.mode == 0o700 && found.uid == geteuid() && found.isDirectory)
    }

    @Test func withoutXDGItIsTMPDIR() throws {
        let temporary = try Paths.temporaryDirectory("tmpdir")
        let directory = try AgentDirectory.create(environment: ["TMPDIR": temporary + "/"])
        defer { directory.remove() }
        #expect(directory.path.hasPrefix(temporary + "/rolecall-agent-"))
        #expect(AgentDirectory.bases(environment: [:]) == ["/tmp"])
    }

    @Test func aRuntimeDirTooLongForASocketFallsBackToTMPDIR() throws {
        let temporary = try Paths.temporaryDirectory("short")
        var long = try Paths.temporaryDirectory("long")
        while long.utf8.count < 100 { long += "/deeper"; try FileManager.default.createDirectory(atPath: long, withIntermediateDirectories: false) }
        let directory = try AgentDirectory.create(environment: ["XDG_RUNTIME_DIR": long, "TMPDIR": temporary])
        defer { directory.remove() }
        #expect(directory.path.hasPrefix(temporary + "/"))
        #expect(directory.socketPath.utf8.count <= UnixSocket.maximumPathBytes)
        #expect { try AgentDirectory.create(environment: ["XDG_RUNTIME_DIR": long, "TMPDIR": long]) } throws: { error in
            guard let error = error as? AgentError else { return false }
            return error.code == .pathTooLong && error.description.contains("107 bytes") && error.description.contains("TMPDIR")
        }
    }

    @Test func unsafeAgentDirectoriesAreRefused() throws {
        let temporary = try Paths.temporaryDirectory("refuse")
        let real = temporary + "/rolecall-agent-real"
        try FileManager.default.createDirectory(atPath: real, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        try AgentDirectory.verify(real)
        try FileManager.default.createSymbolicLink(atPath: temporary + "/rolecall-agent-link", withDestinationPath: real)
        #expect { try AgentDirectory.verify(temporary + "/rolecall-agent-link") } throws: { ($0 as? AgentError)?.code == .unsafeDirectory }
        chmod(real, 0o750)
        #expect { try AgentDirectory.verify(real) } throws: { ($0 as? AgentError).map { $0.code == .unsafeDirectory && $0.description.contains("750") } == true }
        chown(real, 65534, 65534)
        chmod(real, 0o700)
        #expect { try AgentDirectory.verify(real) } throws: { ($0 as? AgentError).map { $0.code == .unsafeDirectory && $0.description.contains("65534") } == true }
        let open = temporary + "/open"
        try FileManager.default.createDirectory(atPath: open, withIntermediateDirectories: false)
        chmod(open, 0o777)
        #expect { try AgentDirectory.create(environment: ["TMPDIR": open]) } throws: { ($0 as? AgentError)?.code == .unsafeDirectory }
        chmod(open, 0o1777)
        try AgentDirectory.create(environment: ["TMPDIR": open]).remove()
    }

    @Test func listingRemovesOnlyDirectoriesWhoseAgentHasEnded() throws {
        let place = try Paths.temporaryDirectory("stale")
        let live = try AgentDirectory.create(environment: ["TMPDIR": place])
        let listening = try UnixSocket.listening(at: live.socketPath)
        defer { close(listening) }
        let ended = try AgentDirectory.create(environment: ["TMPDIR": place])
        close(try UnixSocket.listening(at: ended.socketPath))  // the socket file stays; nobody listens
        let starting = try AgentDirectory.create(environment: ["TMPDIR": place])  // no socket yet, just made
        let foreign = place + "/rolecall-agent-theirs"
        try FileManager.default.createDirectory(atPath: foreign, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        chown(foreign, 65534, 65534)

        #expect(AgentDirectory.staleDirectories(in: [place]) == [ended])
        #expect(AgentDirectory.removeStale(in: [place]) == [ended])
        #expect(!FileManager.default.fileExists(atPath: ended.path))
        for kept in [live.path, starting.path, foreign] { #expect(FileManager.default.fileExists(atPath: kept)) }
    }
}
