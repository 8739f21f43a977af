#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the client knows of a CreateSession it sent. A refusal's part is judged on these facts and
/// on AWS's error code, never on the wording of AWS's message.
public struct SentCreateSession: Sendable, Equatable {
    public let request: CreateSessionRequest
    /// The region in the signature's credential scope.
    public let signingRegion: String
    public let signedAt: Date
    public let certificateNotValidBefore: Date
    public let certificateNotValidAfter: Date

    public init(_ request: CreateSessionRequest, signingRegion: String, signedAt: Date, certificateNotValidBefore: Date, certificateNotValidAfter: Date) {
        self.request = request
        self.signingRegion = signingRegion
        self.signedAt = signedAt
        self.certificateNotValidBefore = certificateNotValidBefore
        self.certificateNotValidAfter = certificateNotValidAfter
    }

    /// Which part cannot pass whatever AWS holds, and why: Roles Anywhere looks the trust anchor
    /// and the profile up in the region it is called in and in the trust anchor's account, and a
    /// profile lists only its own account's roles. Nil when the ARNs agree, or one that would be
    /// compared does not parse.
    var mismatchedPart: (part: RolesAnywhereError.RefusedPart, reason: String)? {
        guard let anchor = try? ARN(request.trustAnchorArn, kind: .trustAnchor) else { return nil }
        if anchor.region != signingRegion {
            return (.signature, "the request was signed for \(signingRegion), but the trust anchor is in \(anchor.region): pass --region \(anchor.region), or set it on the profile")
        }
        guard let profile = try? ARN(request.profileArn, kind: .profile) else { return nil }
        if profile.region != anchor.region || profile.account != anchor.account {
            return (.profile, "the profile is in \(profile.region), account \(profile.account), but the trust anchor in \(anchor.region), account \(anchor.account): a trust anchor opens only its own region's and account's profiles")
        }
        guard let role = try? ARN(request.roleArn, kind: .role), role.account != profile.account else { return nil }
        return (.role, "the role is in account \(role.account), but the profile in \(profile.account): a profile lists only its own account's roles")
    }

    var certificateWasValid: Bool { certificateNotValidBefore <= signedAt && signedAt <= certificateNotValidAfter }
}
