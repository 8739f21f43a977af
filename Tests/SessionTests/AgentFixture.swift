import Foundation
import RolesAnywhere
@testable import Session
import Synchronization
import TestSupport
import Testing

/// Lines an agent reported, collected for a test.
final class ReportedLines: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    func append(_ line: String) { lines.withLock { $0.append(line) } }
}

/// A count several tasks add to.
final class Counter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func increment() { count.withLock { $0 += 1 } }
}

/// An agent server on a socket in a private directory of the test's own, stopped and removed
/// when the body ends; the client script is an independent (Python) reading of the protocol.
struct AgentFixture {
    let directory: AgentDirectory
    let address: AgentAddress
    let server: AgentServer
    let reports: ReportedLines

    @discardableResult
    static func with<R>(root: TreeRoot, boundAt: UInt64, requestTimeout: Duration = .seconds(2), now: @escaping @Sendable () -> Date = Date.init,
                        provider: @escaping AgentServer.Provider, _ body: (AgentFixture) async throws -> R) async throws -> R {
        let base = try Paths.temporaryDirectory("agent")
        let directory = try AgentDirectory.create(environment: ["TMPDIR": base])
        var generator = SystemRandomNumberGenerator()
        let address = AgentAddress.generate(socketPath: directory.socketPath, using: &generator)
        let reports = ReportedLines()
        let server = try AgentServer(address: address, root: root, boundAt: boundAt, requestTimeout: requestTimeout, now: now,
                                     report: reports.append, provider: provider)
        defer {
            server.stop()
            directory.remove()
        }
        return try await body(AgentFixture(directory: directory, address: address, server: server, reports: reports))
    }

    /// The parsed answer line a client printed.
    static func answer(_ output: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    }

    static func errorCode(_ output: String) throws -> String? {
        (try answer(output)["error"] as? [String: Any])?["code"] as? String
    }
}

/// What a test's processes run, in a directory any user may read: `client.py PROFILE [ADDRESS-FILE
/// [GATE]]`, an independent (Python) reading of the protocol that waits for a line on GATE, reads
/// the address from the file (else `ROLECALL_AGENT`), asks, and prints the answer line (or
/// `{"connect_error": errno}`); `inside.sh` starts it through a second shell once the gate opens;
/// `before.sh` starts it at once, and it waits at the gate itself.
struct AgentClientScripts {
    let directory: String
    var client: String { directory + "/client.py" }
    var inside: String { directory + "/inside.sh" }
    var before: String { directory + "/before.sh" }
    var gate: String { directory + "/gate" }
    var addressFile: String { directory + "/address" }

    init() throws {
        directory = try Paths.temporaryDirectory("clients")
        chmod(directory, 0o711)
        let scripts = [client: """
            import json, os, socket, sys
            if len(sys.argv) > 3: open(sys.argv[3]).readline()
            value = open(sys.argv[2]).read().strip() if len(sys.argv) > 2 else os.environ["ROLECALL_AGENT"]
            version, token, path = value.split(":", 2)
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(40)  # a machine busy compiling beside the suite took more than 10 s
            try:
                s.connect(path)
            except OSError as e:
                print(json.dumps({"connect_error": e.errno})); sys.exit(0)
            s.sendall(json.dumps({"profile": sys.argv[1], "token": token}).encode() + b"\\n")
            print(s.makefile().readline(), end="", flush=True)
            """,
            inside: """
            read go < "$1"
            /bin/sh -c '/usr/bin/python3 "$0" dev "$1"; :' "$2" "$3"
            :
            """,
            before: """
            /usr/bin/python3 "$2" dev "$3" "$1"
            :
            """]
        for (path, text) in scripts {
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            chmod(path, 0o755)
        }
        guard mkfifo(gate, 0o644) == 0 else { throw POSIXError(.EEXIST) }
    }

    /// Arguments for `inside.sh` and `before.sh`.
    var rootArguments: [String] { [gate, client, addressFile] }

    /// Writes the address where the clients read it (readable by the other-user test's client too).
    func publish(_ address: AgentAddress) throws {
        try address.unsafeValue().write(toFile: addressFile, atomically: false, encoding: .utf8)
        chmod(addressFile, 0o644)
    }

    /// Lets the waiting process go, once it is reading the gate.
    func openGate() async throws {
        var descriptor: Int32 = -1
        #expect(try await eventually {
            descriptor = open(gate, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
            return descriptor >= 0
        })
        defer { close(descriptor) }
        _ = write(descriptor, "go\n", 3)
    }
}

/// Credentials for "dev" from a fake CreateSession, through the agent's own cache.
func agentCache(delay: Duration = .zero) -> (AgentCredentialCache, FakeCreateSession) {
    let clock = TestClock()
    let fake = FakeCreateSession(clock: clock, delay: delay)
    let cache = AgentCredentialCache(["dev": AgentCredentialCache.profileCache(windowEnd: clock.now.addingTimeInterval(4 * 3600), policyDurationSeconds: 3600,
                                                                              now: { clock.now }, fetch: fake.fetch)])
    return (cache, fake)
}

/// Polls `condition` until it holds or `seconds` pass.
func eventually(within seconds: Double = 10, _ condition: () throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        try await Task.sleep(for: .milliseconds(10))
    }
    return try condition()
}
