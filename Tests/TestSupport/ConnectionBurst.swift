import Foundation

/// Plain TCP connections thrown at a loopback server from a thread of their own, each sending one
/// request: what a server being stopped may still be accepting and setting up.
public final class ConnectionBurst: Sendable {
    private let release = DispatchSemaphore(value: 0)
    private let ended: AsyncStream<Int>

    private init(ended: AsyncStream<Int>) {
        self.ended = ended
    }

    /// Opens `count` connections to 127.0.0.1:`port` one after another; returns once `threshold`
    /// of them have been tried, the rest still arriving.
    public static func start(port: Int, count: Int, request: String, returningAfter threshold: Int) async -> ConnectionBurst {
        let (tried, triedContinuation) = AsyncStream.makeStream(of: Void.self)
        let (ended, endedContinuation) = AsyncStream.makeStream(of: Int.self)
        let burst = ConnectionBurst(ended: ended)
        let thread = Thread { [release = burst.release] in
            var sockets: [Int32] = []
            for index in 0..<count {
                if let socket = ConnectionBurst.connectToLoopback(port: port, sending: Array(request.utf8)) { sockets.append(socket) }
                if index + 1 >= threshold { triedContinuation.finish() }
            }
            triedContinuation.finish()
            release.wait()
            endedContinuation.yield(ConnectionBurst.stillOpen(sockets, within: .now() + 10))
            sockets.forEach { close($0) }
            endedContinuation.finish()
        }
        thread.start()
        for await _ in tried {}
        return burst
    }

    /// Waits for every connection to be tried, then up to 10 s for the server to close them all;
    /// returns how many it left open.
    public func finish() async -> Int {
        release.signal()
        var open = 0
        for await count in ended { open = count }
        return open
    }

    private static func connectToLoopback(port: Int, sending request: [UInt8]) -> Int32? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(port).bigEndian
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(descriptor)
            return nil  // refused: the server had already stopped listening
        }
        _ = request.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        return descriptor
    }

    /// How many of `sockets` the peer has not closed (no end of stream, no reset) by `deadline`.
    private static func stillOpen(_ sockets: [Int32], within deadline: DispatchTime) -> Int {
        var open = Set(sockets)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !open.isEmpty, DispatchTime.now() < deadline {
            var polled = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&polled, nfds_t(polled.count), 100) > 0 else { continue }
            for entry in polled where entry.revents != 0 {
                // Responses are read and dropped; only the end of the stream (0) or an error counts.
                if recv(entry.fd, &buffer, buffer.count, 0) <= 0 { open.remove(entry.fd) }
            }
        }
        return open.count
    }
}
