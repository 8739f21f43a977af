import Foundation
import Issuance
import IssuanceCore
import RolesAnywhere
import Testing
import TestSupport

@Suite(.removesTemporaryFiles) struct TOTPVerifierTests {
    let directory: SecureDirectory
    let clock = ManualClock(Date(timeIntervalSince1970: 1_900_000_005))
    let device = TOTPVerifier.Device(name: "phone", secret: SecretBytes("12345678901234567890"))

    init() throws {
        directory = SecureDirectory(path: try Paths.temporaryDirectory() + "/home")
        try directory.create()
    }

    func verifier() -> TOTPVerifier {
        let clock = self.clock
        return TOTPVerifier(store: FileMFAStateStore(directory: directory), now: { clock.now })
    }

    func code(offset: Int64 = 0) -> String {
        TOTP.code(secret: device.secret, step: TOTP.step(at: clock.now) + offset)
    }

    @Test func aCodeIsAcceptedOnce() throws {
        let code = code()
        #expect(try verifier().verify(code: code, devices: [device]) == "phone")
        #expect { try verifier().verify(code: code, devices: [device]) } throws: { ($0 as? MFAError)?.code == .replayed && "\($0)".contains("wait for the next one") }
        // The previous step's code is at or below the accepted step: also a replay.
        #expect { try verifier().verify(code: self.code(offset: -1), devices: [device]) } throws: { ($0 as? MFAError)?.code == .replayed }
        clock.advance(30)
        #expect(try verifier().verify(code: self.code(), devices: [device]) == "phone")
    }

    @Test(arguments: ["12345", "1234567", "12a456"])
    func aMalformedCodeIsRefusedSayingWhatACodeIs(code: String) {
        #expect { try verifier().verify(code: code, devices: [device]) } throws: {
            ($0 as? MFAError)?.code == .malformed && "\($0)".contains("exactly 6 digits")
        }
    }

    @Test func replayGuardSurvivesARestart() throws {
        let code = code()
        _ = try verifier().verify(code: code, devices: [device])
        // A new store instance reads the state from disk, as a new process would.
        let fresh = TOTPVerifier(store: FileMFAStateStore(directory: SecureDirectory(path: directory.path)), now: { [clock] in clock.now })
        #expect(throws: MFAError.self) { try fresh.verify(code: code, devices: [device]) }
    }

    @Test func lockoutScheduleDoublesUpToFifteenMinutes() throws {
        #expect(TOTPLockout.duration(afterFailures: 4) == 0)
        #expect(TOTPLockout.duration(afterFailures: 5) == 30)
        #expect(TOTPLockout.duration(afterFailures: 6) == 60)
        #expect(TOTPLockout.duration(afterFailures: 7) == 120)
        #expect(TOTPLockout.duration(afterFailures: 10) == 900)
        #expect(TOTPLockout.duration(afterFailures: 50) == 900)
    }

    @Test func fiveFailuresLockTheDeviceThenASuccessResets() throws {
        let wrong = code() == "000000" ? "111111" : "000000"
        for attempt in 1...4 {
            // The fourth wrong code warns that the next one locks the device.
            #expect { try verifier().verify(code: wrong, devices: [device]) } throws: { error in
                (error as? MFAError)?.code == .wrong && "\(error)".contains("one more wrong code locks you out for 30 s") == (attempt == 4)
            }
        }
        #expect { try verifier().verify(code: wrong, devices: [device]) } throws: { ($0 as? MFAError)?.code == .wrong }
        // Locked now: even the right code is refused, and the message says for how long.
        #expect { try verifier().verify(code: self.code(), devices: [device]) } throws: { error in
            (error as? MFAError)?.code == .locked && "\(error)".contains("30 s")
        }
        clock.advance(31)
        #expect { try verifier().verify(code: wrong, devices: [device]) } throws: { ($0 as? MFAError)?.code == .wrong }
        let state = try FileMFAStateStore(directory: directory).load()
        #expect(state.devices["phone"]?.consecutiveFailures == 6)
        #expect(state.devices["phone"]?.lockedUntil == clock.now.addingTimeInterval(60))
        clock.advance(61)
        #expect(try verifier().verify(code: self.code(), devices: [device]) == "phone")
        let after = try FileMFAStateStore(directory: directory).load()
        #expect(after.devices["phone"]?.consecutiveFailures == 0)
        #expect(after.devices["phone"]?.lockedUntil == nil)
    }

    @Test func errorsNeverContainTheCodeOrSeed() {
        let wrong = code() == "987654" ? "123456" : "987654"
        let error = #expect(throws: MFAError.self) { try verifier().verify(code: wrong, devices: [device]) }
        #expect(error?.code == .wrong)
        let text = "\(String(describing: error)) \(String(reflecting: error))"
        #expect(!text.contains(wrong))
        #expect(!text.contains("12345678901234567890") && !text.contains("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"))
    }
}
