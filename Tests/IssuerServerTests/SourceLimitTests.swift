import Foundation
@testable import IssuerServer
import IssuerProtocol
import IssuerStorage
import Testing
import TestSupport

/// What anyone can send without signing in: limits per source address (`SourceAddress`), the
/// bcrypt budget, bounded and coalesced refusal rows, the connection cap (issue 22, findings 2 and 6).
@Suite(.removesTemporaryFiles) struct SourceLimitTests {
    @Test(arguments: [
        ("192.0.2.7", "192.0.2.7"),
        ("192.0.2.8", "192.0.2.8"),
        ("127.0.0.1", "127.0.0.0/8"),
        ("127.201.3.4", "127.0.0.0/8"),
        ("::1", "127.0.0.0/8"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
        ("::ffff:127.0.0.9", "127.0.0.0/8"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::ffff:9", "2001:db8:1:2::/64"),
        ("2001:DB8:1:3::1", "2001:db8:1:3::/64"),
        ("fe80::1%eth0", "fe80:0:0:0::/64"),
        ("not an address", "not an address"),
    ])
    func aSourceIsAnAddressAnIPv6Slash64OrTheLoopback(_ address: String, _ key: String) {
        #expect(SourceAddress(address).key == key)
    }

    @Test func anUnknownAddressIsOneSource() {
        #expect(SourceAddress(nil).key == "unknown")
    }

    @Test func changingTheAddressWithinTheSourceDoesNotEvadeTheLoginLimit() async throws {
        try await IssuerWorld.with(.sqlite) { world in
            var options = IssuerService.Options.fast
            options.loginAttemptsPerMinute = 3
            let service = try await world.replica(options: options).service
            // An unknown name: no lockout gets in the way of counting.
            func guess(from client: String) async -> String? {
                do {
                    _ = try await service.login(.init(user: "nobody", password: "a wrong password", totp: nil), client: client)
                    return "ok"
                } catch { return refusalReason(error) }
            }
            var loopback: [String?] = []
            for client in ["127.0.0.1", "127.0.0.2", "::ffff:127.0.0.3", "::1", "127.9.9.9"] { loopback.append(await guess(from: client)) }
            #expect(loopback == ["wrong-password", "wrong-password", "wrong-password", "rate-limited", "rate-limited"])
            var prefix: [String?] = []
            for host in 1...4 { prefix.append(await guess(from: "2001:db8:7:7::\(host)")) }
            #expect(prefix == ["wrong-password", "wrong-password", "wrong-password", "rate-limited"])
            #expect(await guess(from: "::ffff:192.0.2.7") == "wrong-password", "IPv4 behind [::] is not all one /64")
            #expect(await guess(from: "2001:db8:7:8::1") == "wrong-password", "another /64 is another source")
        }
    }

    /// Requests with no token or a garbage one: a row per source, reason and minute, with short
    /// fields; beyond the limit answered `rate-limited`; a valid token from that source still works.
    @Test func requestsWithoutAValidTokenCannotFloodTheAuditLog() async throws {
        try await IssuerWorld.with(.sqlite) { world in
            let alice = try await world.addPerson()
            var options = IssuerService.Options.fast
            options.unauthenticatedRequestsPerMinute = 10
            let replica = try await world.replica(options: options)
            let client = IssuerClient(replica)
            let login = try await client.login(alice, totp: nil)
            let long = String(repeating: "x", count: 200)
            let request = IssuerAPI.CertificateRequest(csr: long, roleArn: "arn:aws:iam::111122223333:role/" + long, kind: WireValue(rawValue: long),
                                                       lifetimeSeconds: nil, sessionSeconds: nil, totp: nil)
            var answers: [String: Int] = [:]
            for attempt in 0..<100 {
                do {
                    _ = try await replica.service.issue(request, token: attempt.isMultiple(of: 2) ? nil : "v1.garbage.\(attempt)", client: "127.0.0.\(attempt % 250 + 1)")
                } catch { answers[refusalReason(error) ?? "?", default: 0] += 1 }
            }
            #expect(answers == ["unauthenticated": 5, "token-invalid": 5, "rate-limited": 90])
            let rows = try await world.admin.audit(since: .distantPast).filter { $0.event == "certificate" }
            #expect(rows.map(\.result).sorted() == ["rate-limited", "token-invalid", "unauthenticated"])
            #expect(rows.map(\.count).reduce(0, +) == 100)
            for row in rows {
                #expect([row.roleArn, row.kind].allSatisfy { ($0?.count ?? 0) <= RefusalRows.unauthenticatedFieldLimit + 1 }, "\(row)")
            }
            await #expect(throws: IssuanceRefusal.self) {
                _ = try await replica.service.issue(request, token: nil, client: "192.0.2.1")
            }
            #expect(try await world.admin.audit(since: .distantPast).last?.result == "unauthenticated", "another source is not limited")
            _ = try await client.openRoleCertificate(login)
        }
    }

    @Test func aSignInBeyondTheBcryptBudgetIsRefusedAtOnceWhateverTheName() async throws {
        try await IssuerWorld.with(.sqlite) { world in
            let alice = try await world.addPerson()
            var options = IssuerService.Options.fast
            (options.bcryptConcurrency, options.bcryptQueue) = (1, 0)
            let service = try await world.replica(options: options).service
            let budget = try #require(service.hasher.budget)
            try await budget.acquire()
            for user in ["alice", "nobody"] {
                let refused = await #expect(throws: IssuanceRefusal.self) {
                    _ = try await service.login(.init(user: user, password: alice.password, totp: nil), client: "192.0.2.\(user.count)")
                }
                #expect(refused == BcryptBudget.busy)
            }
            await budget.release()
            _ = try await service.login(.init(user: "alice", password: alice.password, totp: nil), client: "192.0.2.1")
        }
    }

    @Test func aQueuedBcryptCheckRunsWhenASlotFrees() async throws {
        let budget = BcryptBudget(running: 1, waiting: 1)
        try await budget.acquire()
        let queued = Task { try await budget.acquire() }
        await budget.release()
        try await queued.value
        let noQueue = BcryptBudget(running: 1, waiting: 0)
        try await noQueue.acquire()
        await #expect(throws: IssuanceRefusal.self) { try await noQueue.acquire() }
    }

    /// Raw TCP from two addresses of 127.0.0.0/8 (one source): the third connection is closed before
    /// any TLS, and a slot frees when a connection ends.
    @Test func connectionsBeyondTheCapPerSourceAreClosed() async throws {
        try await IssuerWorld.with(.sqlite) { world in
            let replica = try await world.replica()
            let server = IssuerHTTPServer(service: replica.service, host: "127.0.0.1", port: 0, tlsFiles: nil, connectionsPerSource: 2,
                                          logger: IssuerReplica.logger)
            let (listening, continuation) = AsyncStream.makeStream(of: IssuerHTTPServer.Listening.self)
            let serving = Task { try await server.run(handleSignals: false) { continuation.yield($0) } }
            defer { serving.cancel() }
            var events = listening.makeAsyncIterator()
            let port = try #require(await events.next().flatMap { URLComponents(string: $0.url)?.port })
            let first = try TCPConnection(port: port, from: "127.0.0.1")
            let second = try TCPConnection(port: port, from: "127.0.0.2")
            #expect(!first.closedByServer(within: 300) && !second.closedByServer(within: 300))
            #expect(try TCPConnection(port: port, from: "127.0.0.3").closedByServer(within: 5000), "over the cap")
            second.close()
            try await Task.sleep(for: .milliseconds(300))
            #expect(!(try TCPConnection(port: port, from: "127.0.0.4").closedByServer(within: 300)), "a slot freed")
        }
    }
}

/// A plain TCP connection to 127.0.0.1 from a chosen loopback address, to count connections.
final class TCPConnection {
    private var descriptor: Int32

    init(port: Int, from source: String) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, source, &local.sin_addr)
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_port = in_port_t(port).bigEndian
        inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr)
        let bound = withUnsafePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        let connected = withUnsafePointer(to: &remote) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, connected == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    }

    /// Whether the server closed the connection within `milliseconds` (end of stream or reset).
    func closedByServer(within milliseconds: Int32) -> Bool {
        var wait = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&wait, 1, milliseconds) == 1 else { return false }
        var byte: UInt8 = 0
        return read(descriptor, &byte, 1) <= 0
    }

    func close() {
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
        descriptor = -1
    }

    deinit { close() }
}
