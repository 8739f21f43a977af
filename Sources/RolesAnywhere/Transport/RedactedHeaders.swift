/// How requests describe their headers: values that are public by nature as they are, the
/// `Authorization` header without its signature, and anything else (the `X-Amz-X509` certificate,
/// security tokens, headers nobody thought of) as its length only. An allowlist, so a new header is
/// hidden until someone decides it is harmless.
enum RedactedHeaders {
    static let shown: Set<String> = ["host", "content-type", "content-length", "x-amz-date", "user-agent", "accept"]

    static func describe(_ headers: [(name: String, value: String)]) -> String {
        let items = headers.map { header -> String in
            let name = header.name.lowercased()
            if shown.contains(name) { return "\(header.name): \(header.value)" }
            if name == "authorization", let parsed = AuthorizationHeader(parsing: header.value) {
                return "\(header.name): \(parsed)"
            }
            return "\(header.name): <redacted, \(header.value.utf8.count) bytes>"
        }
        return "[" + items.joined(separator: ", ") + "]"
    }
}

extension TransportRequest: CustomStringConvertible {
    public var description: String {
        "TransportRequest(\(method) \(url), headers: \(RedactedHeaders.describe(headers)), body: \(body.count) bytes)"
    }
}

extension SignableRequest: CustomStringConvertible {
    public var description: String {
        "SignableRequest(\(method) \(path)\(query.isEmpty ? "" : "?…"), headers: \(RedactedHeaders.describe(headers)), body: \(body.count) bytes)"
    }
}
