import Foundation

/// `Tests/Python/hostile_server.py`: a loopback HTTP server that misbehaves on purpose (modes in
/// the script). Killed with SIGKILL by `stop`: a child of the test runner may inherit a mask that
/// blocks SIGTERM.
public struct HostileServer {
    public let process: Process
    public let port: Int

    public static func start() throws -> HostileServer {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Paths.python)
        process.arguments = ["\(Paths.packageRoot)/Tests/Python/hostile_server.py"]
        process.environment = InheritedEnvironment.variables
        let output = Pipe()
        process.standardOutput = output
        // Not the test runner's stderr: a server outliving its test would hold it open and keep
        // `swift test` waiting for its end.
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte.first == UInt8(ascii: "\n") { break }
            line.append(byte)
        }
        return HostileServer(process: process, port: Int(String(decoding: line, as: UTF8.self)) ?? 0)
    }

    public func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
