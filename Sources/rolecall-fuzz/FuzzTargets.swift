import Foundation
import Issuance
import IssuanceCore
import RolesAnywhere
import RolesAnywhereEmulator
import Session
import SwiftASN1
import X509

/// One function per parser that reads untrusted bytes. Each must return normally for every input;
/// where a parse succeeds, the property it checks (a round trip, a bound) must hold, or it traps.
enum FuzzTargets {
    typealias Target = @Sendable (UnsafeRawBufferPointer) -> Void

    static let all: [String: Target] = [
        "config": config,
        "certificate": certificate,
        "response": response,
        "emulator-request": emulatorRequest,
        "duration": duration,
        "arn": arn,
        "otpauth": otpauth,
    ]

    /// Set once by `FuzzEntry` before any input runs.
    nonisolated(unsafe) static var selected: Target = { _ in }
    /// Set by the replay for seeds that must be accepted (201), not just answered.
    nonisolated(unsafe) static var requireAcceptance = false

    /// `config.json`: decoding, then each profile's validation; errors must name the file.
    static let config: Target = { bytes in
        do {
            let document = try JSONFile<ConfigStore.Document>.decode(Array(bytes), path: "config.json")
            for profile in document.profiles { try? profile.validate() }
        } catch {
            precondition(String(describing: error).contains("config.json"), "a config error must name the file")
        }
    }

    /// What rolecall and the emulator load: PEM certificates (several per file), DER, private keys.
    static let certificate: Target = { bytes in
        let text = String(decoding: bytes, as: UTF8.self)
        if let documents = try? PEMDocument.parseMultiple(pemString: text) {
            for document in documents {
                if let parsed = try? Certificate(pemDocument: document) {
                    // A certificate that parses must serialise back to the bytes it came from.
                    var serializer = DER.Serializer()
                    precondition((try? serializer.serialize(parsed)) != nil)
                    precondition(serializer.serializedBytes == document.derBytes, "DER round trip")
                }
            }
        }
        _ = try? Certificate(derEncoded: Array(bytes))
        _ = try? SigningKey(unsafePEM: text)
    }

    /// A CreateSession response: the first byte picks the status, the second the error type, the
    /// rest is the body. Whatever the server sends, the error text stays short and credentials that
    /// pass are plain tokens.
    static let response: Target = { bytes in
        guard bytes.count >= 2 else { return }
        let statuses = [200, 201, 400, 403, 404, 429, 500, 503]
        let errorTypes = ["", "AccessDeniedException:", "InvalidSignatureException:", "ValidationException:",
                          "ThrottlingException:", "ResourceNotFoundException:http://internal.amazon.com/"]
        let response = TransportResponse(
            status: statuses[Int(bytes[0]) % statuses.count],
            headers: [("x-amzn-RequestId", "fuzz"), ("x-amzn-ErrorType", errorTypes[Int(bytes[1]) % errorTypes.count])],
            body: Array(bytes.dropFirst(2))
        )
        do {
            let result = try CreateSessionResponseDecoder.decode(response, now: FuzzSeeds.signingDate)
            let credentials = result.credentials
            precondition(!credentials.accessKeyId.isEmpty && credentials.expiration > FuzzSeeds.signingDate)
            let variables = SessionEnvironment.staticCredentials(credentials, region: "us-east-1", session: "fuzz", roleArn: FuzzSeeds.roleArn)
            precondition(variables.allSatisfy { !$0.value.contains("\n") && !$0.value.contains("'") })
        } catch {
            precondition(String(describing: error).utf8.count < 2048, "error text is bounded")
        }
    }

    /// The emulator's request handling (Authorization, X-Amz-Date, certificates, chain, JSON body)
    /// on a request in `FuzzSeeds.requestText`'s form, against a config trusting the seed CA.
    static let emulatorRequest: Target = { bytes in
        guard let request = FuzzSeeds.request(from: Array(bytes)) else { return }
        let done = DispatchSemaphore(value: 0)
        let status = Box()
        Task {
            status.value = await FuzzSeeds.emulator.handle(request).status
            done.signal()
        }
        done.wait()
        precondition([200, 201, 400, 403, 404, 405].contains(status.value), "unexpected status \(status.value)")
        precondition(!requireAcceptance || status.value == 201, "a seed signed to be accepted got \(status.value): regenerate the seeds")
    }

    /// Durations: a value that parses formats back to the same number of seconds, and the policy
    /// never answers outside 900…43 200.
    static let duration: Target = { bytes in
        let text = String(decoding: bytes, as: UTF8.self)
        guard let seconds = try? DurationText.seconds(text) else { return }
        precondition(seconds == 0 || (try? DurationText.seconds(DurationText.format(seconds))) == seconds, "format round trip")
        if let answer = try? SessionDurationPolicy.durationSeconds(for: .init(requestedSeconds: seconds, profileLimitSeconds: SessionDurationPolicy.maximumSeconds)) {
            precondition(SessionDurationPolicy.range.contains(answer))
        }
    }

    /// ARNs of each kind: one that parses re-parses from its description to the same fields.
    static let arn: Target = { bytes in
        let text = String(decoding: bytes, as: UTF8.self)
        for kind in [ARN.Kind.role, .profile, .trustAnchor] {
            do {
                let parsed = try ARN(text, kind: kind)
                precondition((try? ARN(parsed.description, kind: kind)) == parsed, "ARN round trip")
                precondition(parsed.account.count == 12)
            } catch {
                precondition(String(describing: error).utf8.count < 1024, "error text is bounded")
            }
        }
    }

    /// otpauth URIs: a parsed seed, written back as rolecall writes URIs, parses to the same seed.
    static let otpauth: Target = { bytes in
        let text = String(decoding: bytes, as: UTF8.self)
        do {
            let uri = try OTPAuthURI(parsing: text)
            let again = try? OTPAuthURI(parsing: TOTPSecret.otpauthURI(user: "fuzz", secret: uri.secret))
            precondition(again?.secret == uri.secret, "otpauth round trip")
            // The label is shown and is not secret; one that happens to spell the seed is the input's doing.
            let seed = TOTPSecret.base32(uri.secret)
            precondition(!uri.description.contains(seed) || uri.label.contains(seed), "description hides the seed")
        } catch {
            precondition(String(describing: error).utf8.count < 256, "error text is bounded")
        }
    }

    /// Carries the emulator's answer out of its task; the semaphore orders the accesses.
    final class Box: @unchecked Sendable { var value = 0 }
}
