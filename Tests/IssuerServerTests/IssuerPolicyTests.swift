import Crypto
import Foundation
import Issuance
@testable import IssuerServer
import IssuanceCore
import IssuerProtocol
import IssuerStorage
import RolesAnywhere
import Testing
import TestSupport
import X509

/// Every refusal docs/issuer-api.md names, over HTTPS through the client rolecall uses, each with its
/// audit row; and what an accepted request gets.
@Suite(.removesTemporaryFiles) struct IssuerPolicyTests {
    /// The last audit row, after the request.
    func lastAudit(_ world: IssuerWorld) async throws -> AuditRecord {
        try #require(try await world.admin.audit(since: .distantPast).last)
    }

    /// `expected` is the audit row's result; `answered` what the client is told, when it differs.
    func expectRefusal(_ expected: String, answered: String? = nil, _ world: IssuerWorld, user: String?, event: String = "certificate",
                       _ body: () async throws -> Void) async throws {
        let answer = answered ?? expected
        do {
            try await body()
            Issue.record("expected the refusal \(expected)")
        } catch {
            #expect(refusalReason(error) == answer || refusalReason(error) == "mfa-" + answer.mfaCode, "\(error)")
        }
        let row = try await lastAudit(world)
        #expect(row.event == event)
        #expect(row.user == user)
        #expect(row.result == expected)
        #expect(row.clientAddress == "127.0.0.1")
    }

    /// alice (whose login lasts `loginSessionSeconds`), a client of a replica over HTTPS, and alice's
    /// login with a code.
    func withALogin(_ backend: Backend, loginSessionSeconds: Int = 12 * 3600,
                    _ body: (IssuerWorld, IssuerClient, IssuerWorld.Person, IssuerLogin) async throws -> Void) async throws {
        try await IssuerWorld.with(backend) { world in
            let alice = try await world.addPerson(loginSessionSeconds: loginSessionSeconds)
            let client = IssuerClient(try await world.replica())
            let login = try await client.login(alice, totp: world.code(alice))
            try await body(world, client, alice, login)
        }
    }

    @Test(arguments: Backend.available)
    func aLoginGetsASingleUseCertificateForItsRole(_ backend: Backend) async throws {
        try await withALogin(backend) { world, client, alice, login in
            #expect(login.mfa)
            #expect(login.expiresAt == world.clock.now.addingTimeInterval(12 * 3600).rounded)
            world.clock.advance(30)
            let (issued, key) = try await client.certificate(login, totp: world.code(alice))
            let leaf = try #require(issued.chain.first)
            #expect(leaf.publicKey == key.certificatePublicKey)
            #expect(leaf.subject.description.contains("CN=alice"))
            // The role the policy was checked for, for the role's trust policy to require.
            #expect(leaf.subject.description.contains("OU=dev"))
            // And how it was obtained, for the trust policy too (aws:PrincipalTag/x509SAN/URI).
            #expect(Array(try #require(try leaf.extensions.subjectAlternativeNames)) == [.uniformResourceIdentifier("urn:rolecall:kind:single-use")])
            #expect(world.authority.certificate.publicKey.isValidSignature(leaf.signature, for: leaf))
            #expect(leaf.notValidAfter.timeIntervalSince(world.clock.now) <= 60)
            #expect(issued.loginSecondsLeft == 12 * 3600 - 30)
            #expect(issued.roleMaxDurationSeconds == 3600)
        }
    }

    /// The login and the certificate are audit rows (the administrator's own changes, users and
    /// grants, are rows too, naming who made them).
    @Test(arguments: Backend.available)
    func issuancesLeaveAuditRows(_ backend: Backend) async throws {
        try await withALogin(backend) { world, client, alice, login in
            world.clock.advance(30)
            let (issued, _) = try await client.certificate(login, totp: world.code(alice))
            let leaf = try #require(issued.chain.first)
            let rows = try await world.admin.audit(since: .distantPast).filter { $0.actor == nil }
            #expect(rows.map(\.event) == ["login", "certificate"])
            #expect(rows.map(\.result) == ["ok", "ok"])
            #expect(rows[1].serial == Array(leaf.serialNumber.bytes).hexString)
            #expect(rows[1].kind == "single-use")
            #expect(rows[1].roleArn == IssuerWorld.roleArn)
        }
    }

    @Test(arguments: Backend.available)
    func lifetimesFollowTheKindWithinTheLogin(_ backend: Backend) async throws {
        try await IssuerWorld.with(backend) { world in
            let alice = try await world.addPerson(loginSessionSeconds: 3600)
            let replica = try await world.replica()
            let client = IssuerClient(replica)
            let login = try await client.login(alice, totp: world.code(alice))
            world.clock.advance(30)
            // In-memory for 12 h asked, 3570 s of login left.
            let (inMemory, _) = try await client.certificate(login, kind: .inMemory(verificationInterval: 12 * 3600, holderLifetime: nil), totp: world.code(alice))
            #expect(try #require(inMemory.chain.first).notValidAfter <= login.expiresAt)
            #expect(try #require(inMemory.chain.first).notValidAfter.timeIntervalSince(world.clock.now) >= 3500)
            // Standard for the login-MFA role (limit 2 h): bounded by the login session.
            let (standard, _) = try await client.certificate(login, role: IssuerWorld.loginRoleArn, kind: .standard(sessionDuration: 7200), totp: nil)
            #expect(try #require(standard.chain.first).notValidAfter <= login.expiresAt)
            // Standard for the no-MFA role (limit 30 m): bounded by the role.
            let (open, _) = try await client.certificate(login, role: IssuerWorld.openRoleArn, kind: .standard(sessionDuration: 7200), totp: nil)
            #expect(try #require(open.chain.first).notValidAfter.timeIntervalSince(world.clock.now) <= 1800)
        }
    }

    /// Told apart in the audit only: the answer is the same as for a wrong password.
    @Test(arguments: Backend.available)
    func anUnknownUserIsRefusedAsAWrongPassword(_ backend: Backend) async throws {
        try await IssuerWorld.with(backend) { world in
            let alice = try await world.addPerson()
            let client = IssuerClient(try await world.replica())
            let mallory = IssuerWorld.Person(name: "mallory", password: "guess", seed: alice.seed)
            try await expectRefusal("unknown-user", answered: "wrong-password", world, user: "mallory", event: "login") {
                _ = try await client.login(mallory, totp: nil)
            }
        }
    }

    @Test(arguments: Backend.available)
    func disablingAUserEndsItsSessionsForGood(_ backend: Backend) async throws {
        try await withALogin(backend) { world, client, alice, login in
            try await world.admin.setDisabled(true, user: "alice")
            world.clock.advance(30)
            try await expectRefusal("user-disabled", world, user: "alice") {
                _ = try await client.certificate(login, totp: world.code(alice))
            }
            try await expectRefusal("user-disabled", world, user: "alice", event: "login") {
                _ = try await client.login(alice, totp: nil)
            }
            // Enabled again: the sessions from before the disable stay ended; a new login, even
            // within the same second, works.
            try await world.admin.setDisabled(false, user: "alice")
            try await expectRefusal("token-invalid", world, user: "alice") {
                _ = try await client.openRoleCertificate(login)
            }
            let again = try await client.login(alice, totp: nil)
            _ = try await client.openRoleCertificate(again)
        }
    }

    @Test(arguments: Backend.available)
    func aRoleNotGrantedIsRefused(_ backend: Backend) async throws {
        try await withALogin(backend) { world, client, alice, login in
            world.clock.advance(30)
            try await expectRefusal("role-not-allowed", world, user: "alice") {
                _ = try await client.certificate(login, role: "arn:aws:iam::111122223333:role/admin", totp: world.code(alice))
            }
        }
    }

    /// A standard certificate would outlive the per-session check.
    @Test(arguments: Backend.available)
    func aStandardCertificateForAPerSessionRoleIsRefused(_ backend: Backend) async throws {
        try await withALogin(backend) { world, client, alice, login in
            world.clock.advance(30)
            try await expectRefusal("kind-not-allowed", world, user: "alice") {
                _ = try await client.certificate(login, kind: .standard(sessionDuration: 3600), totp: world.code(alice))
            }
        }
    }

    /// A login without a code reaches the no-MFA role only.
    @Test(arguments: Backend.available)
    func aPasswordOnlyLoginReachesOnlyTheNoMFARole(_ backend: Backend) async throws {
        try await IssuerWorld.with(backend) { world in
            let alice = try await world.addPerson()
            let client = IssuerClient(try await world.replica())
            let passwordOnly = try await client.login(alice, totp: nil)
            try await expectRefusal("mfa-required", world, user: "alice") {
                _ = try await client.certificate(passwordOnly, role: IssuerWorld.loginRoleArn, kind: .standard(sessionDuration: 3600), totp: nil)
            }
            _ = try await client.openRoleCertificate(passwordOnly)
        }
    }

    /// `v1.CLAIMS.MAC` written other ways that decode to the same bytes.
    static func nonCanonicalSpellings(of token: String) -> [String] {
        let parts = token.split(separator: ".").map(String.init)
        let (claims, mac) = (parts[1], parts[2])
        let base64url = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        func padded(_ part: String) -> String { part + String(repeating: "=", count: (4 - part.count % 4) % 4) }
        func lowBitSet(_ part: String) -> String {
            // A 32-byte MAC is 43 characters: the last one carries 4 bits, 2 of them unused.
            let last = base64url.firstIndex(of: part.last!)!
            return String(part.dropLast()) + String(base64url[last | 1])
        }
        var spellings = ["v1.\(padded(claims)).\(mac)", "v1.\(claims).\(padded(mac))", "v1.\(claims).\(lowBitSet(mac))"]
        let standard = claims.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        if standard != claims { spellings.append("v1.\(standard).\(mac)") }
        let standardMAC = mac.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        if standardMAC != mac { spellings.append("v1.\(claims).\(standardMAC)") }
        // Claims whose length is a multiple of 4 take no padding: that spelling is the token itself.
        return spellings.filter { $0 != token }
    }

    @Test(arguments: Backend.available)
    func tamperedTokensAreRefused(_ backend: Backend) async throws {
        try await withALogin(backend, loginSessionSeconds: 1800) { world, client, alice, genuineLogin in
            var login = genuineLogin
            let genuine = login.token
            // Another user's name in the claims, the signature left as it was.
            let parts = genuine.split(separator: ".")
            let claims = try #require(Data(base64Encoded: String(parts[1]).base64Padded(urlSafe: true)))
            let forged = String(decoding: claims, as: UTF8.self).replacingOccurrences(of: "\"alice\"", with: "\"admin\"")
            login.token = "v1." + Data(forged.utf8).base64URLEncoded + "." + parts[2]
            try await expectRefusal("token-invalid", world, user: nil) {
                _ = try await client.certificate(login, totp: world.code(alice, steps: 1))
            }
            // An outside test: other spellings of the same bytes were accepted (padding added, the
            // standard alphabet, the last character's unused low bits set).
            for spelling in Self.nonCanonicalSpellings(of: genuine) {
                login.token = spelling
                try await expectRefusal("token-invalid", world, user: nil) {
                    _ = try await client.openRoleCertificate(login)
                }
            }
        }
    }

    /// 1800 s login: at 901 s left it still works, at 899 s it cannot fit an AWS session; then it expires.
    @Test(arguments: Backend.available)
    func anAgingLoginIsRefusedAsTooShortThenAsExpired(_ backend: Backend) async throws {
        try await withALogin(backend, loginSessionSeconds: 1800) { world, client, _, login in
            world.clock.advance(899)
            _ = try await client.openRoleCertificate(login)
            world.clock.advance(2)
            try await expectRefusal("login-too-short", world, user: "alice") {
                _ = try await client.openRoleCertificate(login)
            }
            world.clock.advance(900)
            try await expectRefusal("token-expired", world, user: nil) {
                _ = try await client.openRoleCertificate(login)
            }
        }
    }

    @Test(arguments: Backend.available)
    func aCSRWhoseSignatureDoesNotVerifyIsRefused(_ backend: Backend) async throws {
        try await IssuerWorld.with(backend) { world in
            let alice = try await world.addPerson()
            let replica = try await world.replica()
            let client = IssuerClient(replica)
            let login = try await client.login(alice, totp: world.code(alice))
            world.clock.advance(30)
            // Someone else's public key under our signature: no proof of possession.
            let signed = try IssuanceRequest(key: .generateP256(), kind: .singleUse, roleArn: IssuerWorld.roleArn, mfaProof: nil).csr
            let csr = try CertificateSigningRequest(
                version: .v1, subject: signed.subject, publicKey: SigningKey.generateP256().certificatePublicKey,
                attributes: signed.attributes, signatureAlgorithm: signed.signatureAlgorithm, signature: signed.signature
            )
            let issuer = RemoteIssuer(login: login, transport: try client.transport)
            try await expectRefusal("bad-csr", world, user: "alice") {
                _ = try await issuer.issue(IssuanceRequest(csr: csr, kind: .singleUse, roleArn: IssuerWorld.roleArn, mfaProof: .totp(code: world.code(alice))))
            }
        }
    }

    @Test(arguments: Backend.available)
    func aPerSessionRoleNeedsACode(_ backend: Backend) async throws {
        try await withALogin(backend) { world, client, _, login in
            try await expectRefusal("mfa-required", world, user: "alice") {
                _ = try await client.certificate(login, totp: nil)
            }
        }
    }

    /// The login spent this step's code.
    @Test(arguments: Backend.available)
    func theLoginsCodeCannotOpenASession(_ backend: Backend) async throws {
        try await withALogin(backend) { world, client, alice, login in
            try await expectRefusal("replayed-code", world, user: "alice") {
                _ = try await client.certificate(login, totp: world.code(alice))
            }
        }
    }

    @Test(arguments: Backend.available)
    func aWrongCodeIsRefusedWhileTheRightOneStillWorks(_ backend: Backend) async throws {
        try await withALogin(backend) { world, client, alice, login in
            let wrong = String(format: "%06d", (Int(world.code(alice, steps: 1))! + 1) % 1_000_000)
            try await expectRefusal("wrong-code", world, user: "alice") {
                _ = try await client.certificate(login, totp: wrong)
            }
            _ = try await client.certificate(login, totp: world.code(alice, steps: 1))
        }
    }

    /// The wrong code that leaves one attempt before the lockout says so, in the message and in the
    /// refusal's `attemptsLeft`.
    @Test func theLastWrongCodeBeforeTheLockoutWarns() async throws {
        try await IssuerWorld.with(.sqlite) { world in
            let alice = try await world.addPerson()
            let replica = try await world.replica()
            let client = IssuerClient(replica)
            let login = try await client.login(alice, totp: world.code(alice))
            let wrong = String(format: "%06d", (Int(world.code(alice, steps: 1))! + 1) % 1_000_000)
            for attempt in 1..<TOTPLockout.failuresBeforeLockout {
                do {
                    _ = try await client.certificate(login, totp: wrong)
                    Issue.record("a wrong code was accepted")
                } catch {
                    #expect(refusalReason(error).map { ["wrong-code", "mfa-wrong"].contains($0) } == true, "\(error)")
                    #expect("\(error)".contains("one more wrong code locks you out for 30 s") == (attempt == TOTPLockout.failuresBeforeLockout - 1), "\(error)")
                }
            }
            let refusal = await #expect(throws: IssuanceRefusal.self) {
                try await replica.service.checkCode(wrong, devices: [], of: "alice", at: world.clock.now, client: nil)
            }
            #expect(refusal?.attemptsLeft == 0 && refusal?.reason == .wrongCode)
        }
    }

    @Test(arguments: Backend.available)
    func repeatedFailuresLockTheUserEvenWithTheRightPassword(_ backend: Backend) async throws {
        try await IssuerWorld.with(backend) { world in
            let alice = try await world.addPerson()
            let replica = try await world.replica()
            let client = IssuerClient(replica)
            for _ in 0..<TOTPLockout.failuresBeforeLockout {
                await #expect(throws: IssuanceRefusal.self) { _ = try await client.login(alice, password: "wrong", totp: nil) }
            }
            let rows = try await world.admin.audit(since: .distantPast)
            #expect(rows.filter { $0.result == "wrong-password" }.count == TOTPLockout.failuresBeforeLockout)
            #expect(rows.filter { $0.event == "lockout" }.map(\.user) == ["alice"])
            try await expectRefusal("locked", world, user: "alice", event: "login") {
                _ = try await client.login(alice, totp: world.code(alice))
            }
            world.clock.advance(TOTPLockout.firstLockout + 1)
            _ = try await client.login(alice, totp: world.code(alice, steps: 1))
        }
    }

    /// The password `issuer user add` prints works once: the first login must replace it, with a
    /// TOTP code, and the refusal comes before the code is checked so the same code can follow.
    @Test(arguments: Backend.available)
    func theFirstLoginReplacesTheOneTimePassword(_ backend: Backend) async throws {
        try await IssuerWorld.with(backend) { world in
            let alice = try await world.addPerson(enrolled: false)
            let client = IssuerClient(try await world.replica())
            let code = world.code(alice)
            func login(password: String? = nil, totp: String?, newPassword: String?) async throws -> IssuerAPI.LoginResponse {
                try await client.connection.post(IssuerAPI.loginPath, IssuerAPI.LoginRequest(user: "alice", password: password ?? alice.password, totp: totp, newPassword: newPassword),
                                                 as: IssuerAPI.LoginResponse.self)
            }
            try await expectRefusal("password-change-required", world, user: "alice", event: "login") { _ = try await login(totp: code, newPassword: nil) }
            try await expectRefusal("password-change-required", world, user: "alice", event: "login") { _ = try await login(totp: nil, newPassword: nil) }
            try await expectRefusal("mfa-required", world, user: "alice", event: "login") { _ = try await login(totp: nil, newPassword: "a new password of mine") }
            try await expectRefusal("bad-request", world, user: "alice", event: "login") { _ = try await login(totp: code, newPassword: "too short") }
            try await expectRefusal("bad-request", world, user: "alice", event: "login") { _ = try await login(totp: code, newPassword: String(repeating: "x", count: 73)) }
            try await expectRefusal("bad-request", world, user: "alice", event: "login") { _ = try await login(totp: code, newPassword: alice.password) }
            // None of those spent the code.
            let answer = try await login(totp: code, newPassword: "a new password of mine")
            #expect(answer.mfa)
            let rows = try await world.admin.audit(since: .distantPast).suffix(2)
            #expect(rows.map { "\($0.event)/\($0.result)" } == ["password-change/ok", "login/ok"])
            #expect(try await world.admin.users().first?.passwordMustChange == false)
            try await expectRefusal("wrong-password", world, user: "alice", event: "login") { _ = try await login(totp: nil, newPassword: nil) }
            _ = try await login(password: "a new password of mine", totp: nil, newPassword: nil)
            try await expectRefusal("bad-request", world, user: "alice", event: "login") {
                _ = try await login(password: "a new password of mine", totp: world.code(alice, steps: 1), newPassword: "nul\u{0}byte-after-it")
            }
            // A reset gives a new one-time password and ends the sessions; the chosen one stops working.
            let session = try await client.login(alice, password: "a new password of mine", totp: nil)
            let reset = try await world.admin.resetPassword(user: "alice").password.unsafeStringValue()
            try await expectRefusal("token-invalid", world, user: "alice") { _ = try await client.openRoleCertificate(session) }
            try await expectRefusal("wrong-password", world, user: "alice", event: "login") { _ = try await login(password: "a new password of mine", totp: nil, newPassword: nil) }
            try await expectRefusal("password-change-required", world, user: "alice", event: "login") { _ = try await login(password: reset, totp: nil, newPassword: nil) }
            let audit = try await world.admin.audit(since: .distantPast)
            #expect(audit.contains { $0.event == "password-reset" && $0.user == "alice" })
            let nobody = await #expect(throws: IssuerError.self) { _ = try await world.admin.resetPassword(user: "nobody") }
            #expect(nobody?.code == .noUser)
        }
    }

    /// A password chosen over the API ends every other login session of the user, as a reset
    /// does; the login that chose it gets a token that works.
    @Test(arguments: Backend.available)
    func aPasswordChangeEndsTheOtherLoginSessions(_ backend: Backend) async throws {
        try await IssuerWorld.with(backend) { world in
            let alice = try await world.addPerson()
            let client = IssuerClient(try await world.replica())
            let before = try await client.login(alice, totp: nil)
            try await client.openRoleCertificate(before)
            let changed = try await client.connection.post(
                IssuerAPI.loginPath, IssuerAPI.LoginRequest(user: "alice", password: alice.password, totp: world.code(alice), newPassword: "a new password of mine"),
                as: IssuerAPI.LoginResponse.self)
            try await expectRefusal("token-invalid", world, user: "alice") { _ = try await client.openRoleCertificate(before) }
            try await client.openRoleCertificate(IssuerLogin(urls: client.urls, user: changed.user, token: changed.token, expiresAt: changed.expiresAt,
                                                             mfa: changed.mfa, pinnedCertificatePEM: client.pinnedCertificatePEM))
        }
    }

    @Test func loginsAreRateLimitedPerAddress() async throws {
        try await IssuerWorld.with(.sqlite) { world in
            let alice = try await world.addPerson()
            var options = IssuerService.Options.fast
            options.loginAttemptsPerMinute = 2
            let replica = try await world.replica(options: options)
            let client = IssuerClient(replica)
            _ = try await client.login(alice, totp: nil)
            _ = try await client.login(alice, totp: nil)
            try await expectRefusal("rate-limited", world, user: "alice", event: "login") {
                _ = try await client.login(alice, totp: nil)
            }
            // No flood of rows: the refusals of the next minute are counted on the first one's row.
            for _ in 0..<9 { _ = try? await client.login(alice, totp: nil) }
            func limitedRows() async throws -> [AuditRecord] {
                try await world.admin.audit(since: .distantPast).filter { $0.result == "rate-limited" }
            }
            #expect(try await limitedRows().map(\.count) == [10])
            world.clock.advance(61)
            _ = try await client.login(alice, totp: nil)
            _ = try await client.login(alice, totp: nil)
            _ = try? await client.login(alice, totp: nil)
            #expect(try await limitedRows().map(\.count) == [10, 1], "a new minute, a new row")
        }
    }

    @Test func certificatesAreRateLimitedPerUser() async throws {
        try await IssuerWorld.with(.sqlite) { world in
            let alice = try await world.addPerson()
            let bob = try await world.addPerson("bob")
            var options = IssuerService.Options.fast
            options.certificatesPerUserPerMinute = 2
            let client = IssuerClient(try await world.replica(options: options))
            let (aliceLogin, bobLogin) = (try await client.login(alice, totp: nil), try await client.login(bob, totp: nil))
            try await client.openRoleCertificate(aliceLogin)
            try await client.openRoleCertificate(aliceLogin)
            try await expectRefusal("rate-limited", world, user: "alice") { try await client.openRoleCertificate(aliceLogin) }
            // Another user from the same address is not held back by alice.
            try await client.openRoleCertificate(bobLogin)
            world.clock.advance(61)
            try await client.openRoleCertificate(aliceLogin)
        }
    }
}

extension IssuerPolicyTests {
    @Test func aPasswordAloneDoesNotClearFailedCodeGuesses() async throws {
        try await IssuerWorld.with(.sqlite) { world in
            let alice = try await world.addPerson()
            let client = IssuerClient(try await world.replica())
            let login = try await client.login(alice, totp: nil)
            let wrong = String(format: "%06d", (Int(world.code(alice))! + 1) % 1_000_000)
            for round in 0..<TOTPLockout.failuresBeforeLockout {
                await #expect(throws: MFAError.self) { _ = try await client.certificate(login, totp: wrong) }
                if round == 2 { _ = try await client.login(alice, totp: nil) }
            }
            let error = await #expect(throws: MFAError.self) { _ = try await client.certificate(login, totp: world.code(alice)) }
            #expect(error?.code == .locked)
        }
    }

    /// Straight into the service, so that the guesses really arrive together (over HTTPS each
    /// would first wait for its own TLS handshake).
    @Test func parallelGuessesCannotAllPassTheLockoutCheck() async throws {
        try await IssuerWorld.with(.sqlite) { world in
            let alice = try await world.addPerson()
            let replica = try await world.replica()
            let login = try await IssuerClient(replica).login(alice, totp: nil)
            let csr = try IssuanceRequest(key: .generateP256(), kind: .singleUse, roleArn: IssuerWorld.roleArn, mfaProof: nil).csr.serializeAsPEM().pemString
            let right = world.code(alice)
            let guesses = (1...20).map { String(format: "%06d", (Int(right)! + $0) % 1_000_000) }
            let answers = await withTaskGroup(of: String?.self) { group in
                for guess in guesses {
                    group.addTask {
                        let request = IssuerAPI.CertificateRequest(csr: csr, roleArn: IssuerWorld.roleArn, kind: .known(.singleUse),
                                                                   lifetimeSeconds: nil, sessionSeconds: nil, totp: guess)
                        do { _ = try await replica.service.issue(request, token: login.token, client: "127.0.0.1"); return "issued" }
                        catch { return refusalReason(error) }
                    }
                }
                return await group.reduce(into: [String?]()) { $0.append($1) }
            }
            #expect(answers.filter { $0 == "wrong-code" }.count == TOTPLockout.failuresBeforeLockout, "\(answers)")
            #expect(answers.filter { $0 == "locked" }.count == guesses.count - TOTPLockout.failuresBeforeLockout)
        }
    }

    @Test func aTokenDoesNotOutliveItsAccount() async throws {
        try await IssuerWorld.with(.sqlite) { world in
            let alice = try await world.addPerson()
            let client = IssuerClient(try await world.replica())
            let login = try await client.login(alice, totp: world.code(alice))
            try await world.admin.removeUser("alice")
            // Within the same second: the new account is still another account.
            world.clock.advance(0.25)
            try await world.addPerson()
            try await expectRefusal("unknown-user", world, user: "alice") {
                _ = try await client.openRoleCertificate(login)
            }
        }
    }
}

extension String {
    var mfaCode: String {
        switch self {
        case "wrong-code": "wrong"
        case "replayed-code": "replayed"
        case "locked": "locked"
        case "mfa-required": "unavailable"
        default: self
        }
    }

    func base64Padded(urlSafe: Bool) -> String {
        let standard = urlSafe ? replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/") : self
        return standard + String(repeating: "=", count: (4 - standard.count % 4) % 4)
    }
}

extension Data {
    var base64URLEncoded: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

extension Date {
    var rounded: Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down)) }
}
