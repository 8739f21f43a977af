import Foundation
import Testing
import TestSupport

/// `--help` where the variables apply names them (issue 24, point 3).
@Suite struct HelpTests {
    @Test(arguments: [
        (["exec", "--help"], ["ROLECALL_SESSION", "ROLECALL_ROLE_ARN", "ROLECALL_MFA_WINDOW_END", "AWS_ENDPOINT_URL_STS"]),
        (["exec", "--profile", "dev", "-h"], ["ROLECALL_SESSION"]),
        (["console", "--help"], ["ROLECALL_SIGNIN_ENDPOINT"]),
        (["env", "--help"], ["ROLECALL_PROFILE", "ROLECALL_PKCS11_MODULE"]),
        (["prompt", "--help"], ["ROLECALL_SESSION", "ROLECALL_MFA_WINDOW_END"]),
        (["--help"], ["ROLECALL_HOME"]),
    ])
    func helpNamesTheVariables(arguments: [String], variables: [String]) async throws {
        let outcome = try await ProcessRunner.run(Paths.rolecall, arguments)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        for variable in variables { #expect(outcome.stdout.contains(variable), "rolecall \(arguments.joined(separator: " ")): \(variable)") }
    }
}
