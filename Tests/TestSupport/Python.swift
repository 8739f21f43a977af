import Foundation

/// Calls `Tests/Python/crosscheck.py` with a JSON request and decodes its JSON answer.
public enum Python {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func crosscheck(_ command: String, _ request: [String: Any]) async throws -> [String: Any] {
        let input = String(decoding: try JSONSerialization.data(withJSONObject: request), as: UTF8.self)
        let outcome = try await ProcessRunner.run(Paths.python, [Paths.crosscheckScript, command], input: input)
        guard outcome.status == 0,
              let answer = try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any]
        else {
            throw Failure(description: "crosscheck.py \(command) failed (status \(outcome.status)); run scripts/test to set up the Python tools: \(outcome.stderr.suffix(2000))")
        }
        return answer
    }

    /// Seconds until the server at `host:port` closed a connection whose request arrives one byte
    /// every half second (`Tests/Python/trickle.py`); nil when it was still open after 30 s.
    public static func trickle(host: String = "127.0.0.1", port: Int, tls: Bool, part: String) async throws -> Double? {
        let outcome = try await ProcessRunner.run(Paths.python, [Paths.packageRoot + "/Tests/Python/trickle.py", host, String(port),
                                                                 tls ? "tls" : "plain", part, "0.5", "30"])
        guard outcome.status == 0 else { throw Failure(description: "trickle.py failed (status \(outcome.status)): \(outcome.stderr.suffix(2000))") }
        return Double(outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
