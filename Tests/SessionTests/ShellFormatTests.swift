import Foundation
import Session
import Testing
import TestSupport

/// Hostile values survive `eval` byte for byte in real shells, and run nothing.
@Suite(.removesTemporaryFiles) struct ShellFormatTests {
    static let marker = "/tmp/rolecall-pwned-\(getpid())"
    static let hostile: [String] = [
        "plain",
        "it's",
        "\"double\" and 'single'",
        "$(touch \(marker))",
        "`touch \(marker)`",
        "a;touch \(marker);b",
        "line one\nline two\n",
        "back\\slash\\",
        "$HOME ${HOME} %PATH% $Env:PATH",
        "tab\there | pipe & amp > gt < lt",
        "‘smart’ quotes ‚ ‛",
        "\\'; touch \(marker); echo '",
        "{braces} (parens) [brackets] *glob* ?~",
        "ünïcödé ✓",
        // A combining mark after a quote makes one Character of the two; the shell sees the quote.
        "x'\u{301}$(touch \(marker))'\u{301}",
        "\\\u{301}'; touch \(marker); echo '\u{301}",
        "",
    ]

    var variables: [(name: String, value: String)] {
        Self.hostile.enumerated().map { ("ROLECALL_T\($0.offset)", $0.element) }
    }

    /// Loads the rendered lines the way README tells users to (`eval "$(rolecall env)"`,
    /// `rolecall env --format fish | source`), with `cat` standing in for rolecall.
    func roundTrip(shell: String, format: ShellFormat, printer: String) async throws -> [String] {
        unlink(Self.marker)
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let rendered = directory + "/env"
        try format.render(set: variables, unset: ["AWS_PROFILE"]).write(toFile: rendered, atomically: true, encoding: .utf8)
        let load = format == .fish ? "cat \(rendered) | source\n" : "eval \"$(cat \(rendered))\"\n"
        let outcome = try await ProcessRunner.run(shell, [], environment: ["PATH": "/usr/bin:/bin", "HOME": "/tmp", "AWS_PROFILE": "leak"], input: load + printer)
        #expect(outcome.status == 0, "\(shell): \(outcome.stderr)")
        #expect(access(Self.marker, F_OK) != 0, "\(shell) ran a command from a value")
        return outcome.stdout.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
    }

    var expected: [String] { Self.hostile + ["", ""] }

    @Test(arguments: ["bash", "dash"])
    func posixShells(shell: String) async throws {
        let names = variables.map { "\"$\($0.name)\"" }.joined(separator: " ")
        let printed = try await roundTrip(shell: shell, format: .sh, printer: "printf '%s\\0' \(names) \"${AWS_PROFILE-}\"\n")
        #expect(printed == expected)
    }

    @Test func fish() async throws {
        let names = variables.map { "\"$\($0.name)\"" }.joined(separator: " ")
        let printed = try await roundTrip(shell: "fish", format: .fish, printer: "printf '%s\\0' \(names) \"$AWS_PROFILE\"\n")
        #expect(printed == expected)
    }

    @Test func powershellDoublesEveryQuoteCharacter() {
        #expect(ShellFormat.powershellQuoted("it's") == "'it''s'")
        #expect(ShellFormat.powershellQuoted("‘a’‚b‛") == "'‘‘a’’‚‚b‛‛'")
        #expect(ShellFormat.powershellQuoted("$(Remove-Item x)") == "'$(Remove-Item x)'")
        let output = ShellFormat.powershell.render(set: [("AWS_REGION", "us-east-1")], unset: ["AWS_PROFILE"])
        #expect(output == "Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue\n$Env:AWS_REGION = 'us-east-1'\n")
    }

    @Test func jsonCarriesValuesExactly() throws {
        let output = ShellFormat.json.render(set: variables, unset: ["AWS_PROFILE"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let values = try #require(object["variables"] as? [String: String])
        for variable in variables { #expect(values[variable.name] == variable.value) }
        #expect(object["unset"] as? [String] == ["AWS_PROFILE"])
    }
}
