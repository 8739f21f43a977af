import NIOCore
import Synchronization

/// Connections made by `prepare`, each waiting for the next request to its origin.
final class PreparedConnections: Sendable {
    private let channels = Mutex<[String: any Channel]>([:])

    /// Keeps `channel` for `origin`, closing one kept before it.
    func park(_ channel: any Channel, for origin: String) {
        let replaced = channels.withLock { $0.updateValue(channel, forKey: origin) }
        replaced?.close(promise: nil)
    }

    /// The connection kept for `origin`, if it is still open (a server may close an idle one).
    func take(_ origin: String) -> (any Channel)? {
        guard let channel = channels.withLock({ $0.removeValue(forKey: origin) }) else { return nil }
        guard channel.isActive else {
            channel.close(promise: nil)
            return nil
        }
        return channel
    }
}
