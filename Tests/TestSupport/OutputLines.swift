import Foundation

/// What a child process writes to one of its outputs, line by line as it comes: give `pipe` to the
/// `Process`, then wait for the line needed (`next()`) instead of polling a file. The stream ends
/// when the child closes the output (it exited).
public final class OutputLines: Sendable {
    public let pipe = Pipe()
    private let stream: AsyncStream<String>

    public init() {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        self.stream = stream
        let partial = PartialLine()
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                if let rest = partial.finish() { continuation.yield(rest) }
                continuation.finish()
                return
            }
            for line in partial.append(data) { continuation.yield(line) }
        }
    }

    public func makeAsyncIterator() -> AsyncStream<String>.Iterator { stream.makeAsyncIterator() }

    /// The bytes after the last newline, until the rest of their line comes.
    private final class PartialLine: @unchecked Sendable {
        private let lock = NSLock()
        private var bytes: [UInt8] = []

        func append(_ data: Data) -> [String] {
            lock.withLock {
                bytes += data
                var lines: [String] = []
                while let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
                    lines.append(String(decoding: bytes[..<newline], as: UTF8.self))
                    bytes.removeSubrange(...newline)
                }
                return lines
            }
        }

        func finish() -> String? {
            lock.withLock { bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
        }
    }
}

extension AsyncStream<String>.Iterator {
    /// The next `count` lines (fewer when the stream ends first).
    public mutating func next(_ count: Int) async -> [String] {
        var lines: [String] = []
        while lines.count < count, let line = await next() { lines.append(line) }
        return lines
    }

    /// Every line left, once the stream ends.
    public mutating func rest() async -> [String] { await next(.max) }
}
