import Foundation
import Testing

/// A file's bytes, whatever they hold: reading it as UTF-8 text would see a SQLite file, or
/// anything else binary, as empty, and a search for a secret would pass without looking.
public enum FileBytes {
    /// Whether the file at `path` holds `needle`; a file that cannot be read is a test failure.
    public static func contains(_ path: String, _ needle: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            Issue.record("cannot read \(path) to search it", sourceLocation: sourceLocation)
            return false
        }
        return bytes.range(of: Data(needle.utf8)) != nil
    }
}
