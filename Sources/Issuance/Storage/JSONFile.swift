import Foundation
import RolesAnywhere

/// Reads and writes one JSON document in a `SecureDirectory`, with errors that name the file and line.
public struct JSONFile<Document: Codable>: Sendable {
    public let directory: SecureDirectory
    public let name: String

    public init(directory: SecureDirectory, name: String) {
        self.directory = directory
        self.name = name
    }

    public var path: String { directory.filePath(name) }

    public func load() throws -> Document? {
        guard var bytes = try directory.read(name) else { return nil }
        defer { wipeIfSecret(&bytes) }
        return try Self.decode(bytes, path: path)
    }

    /// The document in `bytes`, or `StoreError.damaged` naming `path` and the line.
    public static func decode(_ bytes: [UInt8], path: String) throws -> Document {
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode(Document.self, from: Data(bytes))
        } catch {
            throw StoreError.damaged(path, detail: describe(error, in: bytes))
        }
    }

    public func save(_ document: Document) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        var bytes = Array(try encoder.encode(document)) + [UInt8(ascii: "\n")]
        defer { wipeIfSecret(&bytes) }
        try directory.write(name, bytes)
    }

    /// The files hold key material and TOTP seeds; zero the transient copies.
    private func wipeIfSecret(_ bytes: inout [UInt8]) { wipeBytes(&bytes) }

    /// "invalid JSON at line 3", "missing key profiles[0].name": never the file's content (it may hold secrets).
    static func describe(_ error: any Error, in bytes: [UInt8]) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty:
            return syntaxErrorLine(in: bytes).map { "invalid JSON at line \($0)" } ?? "invalid JSON"
        case DecodingError.dataCorrupted(let context):
            return "invalid value at \(keyPath(context.codingPath))"
        case DecodingError.keyNotFound(let key, let context):
            return "missing key \(keyPath(context.codingPath + [key]))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type at \(keyPath(context.codingPath))"
        default:
            return "unreadable"
        }
    }

    /// JSONDecoder gives no position; JSONSerialization says "around character N".
    static func syntaxErrorLine(in bytes: [UInt8]) -> Int? {
        do {
            _ = try JSONSerialization.jsonObject(with: Data(bytes))
            return nil
        } catch {
            let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? ""
            // A truncated file: the error is at its last line.
            if text.contains("end of file") { return line(at: bytes.count, in: bytes) }
            guard let range = text.range(of: #"character \d+"#, options: .regularExpression),
                  let index = Int(text[range].dropFirst("character ".count))
            else { return nil }
            return line(at: index, in: bytes)
        }
    }

    static func line(at index: Int, in bytes: [UInt8]) -> Int {
        bytes.prefix(index).reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    }

    static func keyPath(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }
}
