import Foundation

/// What the emulator answers, before it is turned into an HTTP response.
public struct EmulatorResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// For the request log: why the request was refused, in words that hold no secret.
    public var refusal: String?

    /// AWS's JSON error shape for Roles Anywhere (`x-amzn-ErrorType` + `{"message": …}`).
    static func jsonError(_ status: Int, _ code: String, _ message: String, requestId: String) -> EmulatorResponse {
        let body = (try? JSONSerialization.data(withJSONObject: ["message": message], options: [.sortedKeys])) ?? Data()
        return EmulatorResponse(
            status: status,
            headers: [("Content-Type", "application/json"), ("x-amzn-ErrorType", "\(code):"), ("x-amzn-RequestId", requestId)],
            body: Array(body),
            refusal: "\(code): \(message)"
        )
    }

    /// STS's XML error shape.
    static func xmlError(_ status: Int, _ code: String, _ message: String, requestId: String) -> EmulatorResponse {
        let xml = """
        <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <Error>
            <Type>Sender</Type>
            <Code>\(XML.escape(code))</Code>
            <Message>\(XML.escape(message))</Message>
          </Error>
          <RequestId>\(requestId)</RequestId>
        </ErrorResponse>

        """
        return EmulatorResponse(
            status: status,
            headers: [("Content-Type", "text/xml"), ("x-amzn-RequestId", requestId)],
            body: Array(xml.utf8),
            refusal: "\(code): \(message)"
        )
    }
}

enum XML {
    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default: result.append(character)
            }
        }
        return result
    }
}
