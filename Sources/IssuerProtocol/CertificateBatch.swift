extension IssuerAPI {
    /// `POST /v1/certificates/batch`: several certificates behind one per-session check (one
    /// code for many roles, issue 25). A new endpoint rather than a field on `/v1/certificates`:
    /// an older replica would ignore the field and issue one certificate; it answers this path 404.
    public static let certificateBatchPath = "/v1/certificates/batch"

    public struct CertificateBatchRequest: Codable, Sendable, CustomStringConvertible {
        /// One request per role; their own `totp` stays empty (the code comes once, below).
        public var certificates: [CertificateRequest]
        /// Required when any of them needs a per-session check.
        public var totp: String?
        /// Issue what is allowed when some roles are refused; otherwise nothing is issued.
        public var partial: Bool?

        public init(certificates: [CertificateRequest], totp: String?, partial: Bool = false) {
            self.certificates = certificates
            self.totp = totp
            self.partial = partial
        }

        public var description: String {
            "CertificateBatchRequest(roles: \(certificates.map(\.roleArn)), totp: \(totp == nil ? "none" : "<redacted>"), partial: \(partial ?? false))"
        }
    }

    public struct CertificateBatchResponse: Codable, Sendable {
        public struct Issued: Codable, Sendable {
            public var roleArn: String
            public var certificate: CertificateResponse

            public init(roleArn: String, certificate: CertificateResponse) {
                self.roleArn = roleArn
                self.certificate = certificate
            }
        }

        public struct Refused: Codable, Sendable {
            public var roleArn: String
            public var error: ErrorResponse

            public init(roleArn: String, error: ErrorResponse) {
                self.roleArn = roleArn
                self.error = error
            }
        }

        /// In the order asked.
        public var issued: [Issued]
        /// Only with `partial`: the roles left out, and why.
        public var refused: [Refused]

        public init(issued: [Issued], refused: [Refused]) {
            self.issued = issued
            self.refused = refused
        }
    }

    /// The most certificates one batch may ask for.
    public static let largestBatch = 16
}
