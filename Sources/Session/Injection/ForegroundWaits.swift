import Synchronization

/// Whether a wait is the person's to see: "rolecall: waiting for HOST…" belongs to a command that
/// is making them wait, not to the refreshes a supervisor or an agent makes later in the
/// background, in the middle of a child's output or of another shell prompt.
public enum ForegroundWaits {
    private static let shown = Atomic<Bool>(true)

    public static var areShown: Bool { shown.load(ordering: .acquiring) }

    /// From now on this process waits in the background only.
    public static func end() { shown.store(false, ordering: .releasing) }
}
