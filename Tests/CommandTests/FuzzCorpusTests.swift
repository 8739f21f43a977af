import Foundation
import Testing
import TestSupport

/// The checked-in fuzz corpora (seeds, and every input that once crashed a target) replayed through
/// the targets built without the fuzzer: a fixed crash stays fixed, and a seed that stops parsing
/// shows up here before a fuzzing run would waste its minutes on it.
@Suite(.removesTemporaryFiles) struct FuzzCorpusTests {
    static let targets = ["config", "certificate", "response", "emulator-request", "duration", "arn", "otpauth"]

    @Test(arguments: targets)
    func corpusReplaysWithoutACrash(target: String) async throws {
        let folder = "\(Paths.packageRoot)/Fuzz/corpus/\(target)"
        let inputs = try FileManager.default.contentsOfDirectory(atPath: folder).sorted().map { "\(folder)/\($0)" }
        try #require(!inputs.isEmpty, "no seeds for \(target)")
        let outcome = try await ProcessRunner.run("\(Paths.products)/rolecall-fuzz", [target] + inputs)
        #expect(outcome.status == 0, "\(target): \(outcome.stderr.suffix(2000))")
        #expect(outcome.stdout.contains("\(target): \(inputs.count) inputs, no crash"))
    }

    @Test func unknownTargetsAreAUsageError() async throws {
        let outcome = try await ProcessRunner.run("\(Paths.products)/rolecall-fuzz", ["no-such-target"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("targets: arn certificate config duration emulator-request otpauth response"))
    }
}
