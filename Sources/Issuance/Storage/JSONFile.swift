#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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
            throw StoreError.damaged(path, detail: describe(error))
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

    /// "invalid JSON (not well-formed)", "missing key profiles[0].name": never the file's content (it
    /// may hold secrets). FoundationEssentials' decoder does not say where a syntax error is.
    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty:
            return "invalid JSON (not well-formed)"
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

    static func keyPath(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
    }
}
