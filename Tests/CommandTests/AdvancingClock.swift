import Foundation
import Synchronization

/// The wall clock, moved forward by hand: in-process commands and the emulator read it, so a test
/// takes a fresh TOTP step (`CLIWorld.freshCode()`) without waiting for one. Until it is moved it
/// agrees with the programs a test starts, which read the wall clock.
final class AdvancingClock: Sendable {
    private let offset = Mutex<TimeInterval>(0)

    var now: Date { Date().addingTimeInterval(offset.withLock { $0 }) }

    /// Whether a test has moved it (separate processes would no longer agree with it).
    var isMoved: Bool { offset.withLock { $0 } != 0 }

    func advance(_ seconds: TimeInterval) { offset.withLock { $0 += seconds } }
}
