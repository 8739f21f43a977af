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
}
