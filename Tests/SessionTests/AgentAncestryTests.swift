import Foundation
@testable import Session
import TestSupport
import Testing

@Suite struct AgentProcessStatTests {
    @Test func fieldsAreCountedAfterTheLastParenthesis() throws {
        let line = "4242 (a) b (c) S 17 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 2000000 300 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n"
        let stat = try #require(ProcessStat(parsing: line))
        #expect(stat == ProcessStat(pid: 4242, parent: 17, startTime: 987_654))
        #expect(ProcessStat(parsing: "4242 (cut short) S 17") == nil)
        #expect(ProcessStat(parsing: "garbage") == nil)
    }

    /// A real process whose name is `a) b (c`, read from /proc.
    @Test(.removesTemporaryFiles) func aRealProcessWithParenthesesInItsName() async throws {
        let directory = try Paths.temporaryDirectory("stat")
        let program = directory + "/a) b (c"
        try FileManager.default.createSymbolicLink(atPath: program, withDestinationPath: "/bin/sleep")
        let process = try BackgroundProcess(program, ["30"], environment: [:], directory: directory)
        defer { process.kill() }
        #expect(try await eventually { (try? String(contentsOfFile: "/proc/\(process.pid)/comm", encoding: .utf8)) == "a) b (c\n" })
        let stat = try #require(ProcessStat.of(pid: process.pid))
        #expect(stat.pid == process.pid && stat.parent == getpid())
        let ours = try #require(ProcessStat.of(pid: getpid()))
        #expect(stat.startTime >= ours.startTime && stat.startTime <= BootClock.ticks() + 1)
    }
}

@Suite struct AgentAncestryTests {
    /// root 100 (started at tick 1000) → 200 → 300 → peer 400, unless a test changes a process.
    static let root = TreeRoot(pid: 100, startTime: 1000)
    static let tree: [pid_t: ProcessStat] = [
        1: ProcessStat(pid: 1, parent: 0, startTime: 0),
        100: ProcessStat(pid: 100, parent: 1, startTime: 1000),
        200: ProcessStat(pid: 200, parent: 100, startTime: 2000),
        300: ProcessStat(pid: 300, parent: 200, startTime: 3000),
        400: ProcessStat(pid: 400, parent: 300, startTime: 4000),
    ]

    func verdict(_ changes: [pid_t: ProcessStat?] = [:], peer: pid_t = 400, boundAt: UInt64 = 1500, acceptedAt: UInt64 = 5000) -> ProcessAncestry.Verdict {
        var processes = Self.tree
        for (pid, stat) in changes { processes[pid] = stat }
        return ProcessAncestry.verdict(peer: peer, root: Self.root, boundAt: boundAt, acceptedAt: acceptedAt) { processes[$0] }
    }

    @Test func aDescendantIsInside() {
        #expect(verdict() == .inside)
        #expect(verdict(peer: 200) == .inside)
        #expect(verdict(peer: 100) == .inside, "the root itself")
    }

    @Test func aPeerStartedAfterTheAcceptHoldsAReusedPid() {
        #expect(verdict(acceptedAt: 3998) == .outside(.startedAfterAccept))
        #expect(verdict(acceptedAt: 3999) == .inside, "one tick of slack: both clocks round down")
    }

    @Test func anAncestorYoungerThanItsChildIsAReusedPid() {
        #expect(verdict([300: ProcessStat(pid: 300, parent: 200, startTime: 4500)]) == .outside(.ancestorYounger))
    }

    @Test func aRootWhosePidWasReusedIsGone() {
        #expect(verdict([100: ProcessStat(pid: 100, parent: 1, startTime: 1001)]) == .outside(.rootGone))
        #expect(verdict([100: nil]) == .outside(.rootGone))
    }

    @Test func theRootsChildrenFromBeforeTheBindingAreOutside() {
        #expect(verdict(boundAt: 2001) == .outside(.startedBeforeBinding))
        #expect(verdict(boundAt: 2000) == .inside)
    }

    @Test func aChainThatEndsAtInitOrVanishesIsOutside() {
        #expect(verdict([200: ProcessStat(pid: 200, parent: 1, startTime: 2000)]) == .outside(.notDescendant))
        #expect(verdict([300: nil]) == .outside(.vanished))
        #expect(verdict([400: nil]) == .outside(.vanished))
        #expect(verdict([200: ProcessStat(pid: 200, parent: 300, startTime: 2000), 300: ProcessStat(pid: 300, parent: 200, startTime: 2000)])
            == .outside(.notDescendant), "a loop ends")
    }

    @Test func initIsNeverARoot() throws {
        #expect { try TreeRoot(pid: 1) } throws: { ($0 as? AgentError)?.code == .invalidRoot }
        #expect { try TreeRoot(pid: 0) } throws: { ($0 as? AgentError)?.code == .invalidRoot }
        let ours = try TreeRoot(pid: getpid())
        #expect(ours.startTime == ProcessStat.of(pid: getpid())?.startTime)
    }

    @Test(.removesTemporaryFiles) func aShellPidMustBeAnAncestor() async throws {
        if getppid() > 1 { #expect(try TreeRoot.ancestor(getppid()).pid == getppid()) }
        #expect(try TreeRoot.ancestor(getpid()).pid == getpid())
        let directory = try Paths.temporaryDirectory("ancestor")
        let sibling = try BackgroundProcess("/bin/sleep", ["30"], environment: [:], directory: directory)
        defer { sibling.kill() }
        #expect { try TreeRoot.ancestor(sibling.pid) } throws: { error in
            (error as? AgentError)?.code == .invalidRoot && "\(error)".contains("not an ancestor")
        }
    }
}
