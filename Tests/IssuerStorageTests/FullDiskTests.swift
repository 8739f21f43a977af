import Foundation
import IssuerStorage
import Testing
import TestSupport

/// A database whose disk fills and is freed again: writes fail while it is full and work again,
/// without a restart, once the space is back. Needs root, for a small tmpfs of its own.
@Suite(.removesTemporaryFiles, .enabled(if: TmpfsProbe.canMount, "mounting a tmpfs needs root (and a container allowed to mount)"))
struct FullDiskTests {

    static func audit(_ index: Int) -> AuditRecord {
        AuditRecord(time: Date(), event: "certificate", user: "alice", roleArn: "arn:aws:iam::111122223333:role/dev", kind: "single-use",
                    serial: String(format: "%032x", index), clientAddress: "127.0.0.1", result: "ok")
    }

    /// Fills the filesystem at `directory` with one file, which is returned.
    static func fill(_ directory: String) -> String {
        let filler = directory + "/filler"
        let descriptor = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let block = [UInt8](repeating: 0, count: 64 << 10)
        while block.withUnsafeBytes({ write(descriptor, $0.baseAddress, $0.count) }) > 0 {}
        // Then the last partial block.
        while block.withUnsafeBytes({ write(descriptor, $0.baseAddress, 512) }) > 0 {}
        close(descriptor)
        return filler
    }

    @Test func sqliteWritesWorkAgainOnceTheSpaceIsBack() async throws {
        let directory = try Paths.temporaryDirectory("rolecall-full-disk")
        let mounted = try await ProcessRunner.run("mount", ["-t", "tmpfs", "-o", "size=4M", "tmpfs", directory])
        try #require(mounted.status == 0, "\(mounted.stderr)")
        defer { _ = umount2(directory, Int32(MNT_DETACH)) }
        let db = try await SQLiteIssuerDatabase.open(path: directory + "/issuer.sqlite", logger: Backend.logger)
        try await db.migrate()
        try await db.addUser(UserRecord(name: "alice", passwordHash: "h", sealedTOTPSeed: [1], loginSessionSeconds: 60, createdAt: Date()))
        var written = 0
        var step: Int64 = 1000
        /// What one issuance writes: the TOTP step (an upsert with RETURNING), a failure count (a
        /// transaction) and the audit row.
        func issue() async throws {
            step += 1
            _ = try await db.acceptTOTPStep(user: "alice", device: "phone", step: step, at: Date())
            _ = try await db.recordFailure(user: "alice", at: Date()) { _ in 0 }
            try await db.appendAudit(Self.audit(written))
            written += 1
        }
        for _ in 0..<20 { try await issue() }
        let filler = Self.fill(directory)
        var failures = 0
        // Enough rows to need new pages, so that SQLite has to grow a file.
        for _ in 0..<2000 {
            do {
                try await issue()
            } catch {
                failures += 1
                if failures >= 5 { break }
            }
        }
        #expect(failures >= 5, "the full disk made writes fail")
        try FileManager.default.removeItem(atPath: filler)
        // Enough issuances to write the 4 MiB again: a write-ahead log that grew back into the freed
        // space kept every write failing from then on.
        for attempt in 0..<600 {
            do {
                try await issue()
            } catch {
                Issue.record("attempt \(attempt) after the space came back: \(error)")
                break
            }
        }
        let log = try FileManager.default.attributesOfItem(atPath: directory + "/issuer.sqlite-wal")[.size] as? Int ?? 0
        #expect(log <= 1 << 20, "the write-ahead log stays small: \(log) bytes")
        let rows = try await db.audit(since: .distantPast, limit: 100_000)
        #expect(rows.count == written, "every write that succeeded is there")
        let integrity = try await ProcessRunner.run("sqlite3", [directory + "/issuer.sqlite", "PRAGMA integrity_check"])
        #expect(integrity.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
        try await db.close()
    }
}

enum TmpfsProbe {
    /// Tried once: root in a container without CAP_SYS_ADMIN may still not mount.
    static let canMount: Bool = {
        guard getuid() == 0 else { return false }
        let directory = NSTemporaryDirectory() + "rolecall-mount-probe-\(getpid())"
        guard (try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)) != nil else { return false }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=1M", "tmpfs", directory]
        mount.standardError = FileHandle.nullDevice
        mount.environment = InheritedEnvironment.variables
        guard (try? mount.run()) != nil else { return false }
        mount.waitUntilExit()
        guard mount.terminationStatus == 0 else { return false }
        return umount2(directory, Int32(MNT_DETACH)) == 0
    }()
}
