import Foundation

/// Where the package, its built products and the Python cross-check live.
public enum Paths {
    /// The package root, from this file's location.
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The directory holding the built `rolecall` and `rolesanywhere-emulator` (next to the test bundle).
    public static let products: String = {
        if let override = ProcessInfo.processInfo.environment["ROLECALL_TEST_PRODUCTS"] { return override }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: executable).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("rolecall").path), url.path != "/" {
            url.deleteLastPathComponent()
        }
        return url.path
    }()

    public static var rolecall: String { "\(products)/rolecall" }
    public static var emulator: String { "\(products)/rolesanywhere-emulator" }

    /// The Python with iam-rolesanywhere-session, pyotp and cryptography: `$ROLECALL_TEST_PYTHON`,
    /// else the project's `.venv`, else `python3`.
    public static let python: String = {
        if let override = ProcessInfo.processInfo.environment["ROLECALL_TEST_PYTHON"] { return override }
        let venv = "\(packageRoot)/.venv/bin/python"
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : "python3"
    }()

    public static var crosscheckScript: String { "\(packageRoot)/Tests/Python/crosscheck.py" }

    /// A fresh private temporary directory: inside the running test's root, which is removed when
    /// the test ends (`.removesTemporaryFiles`), else removed when the test process exits.
    public static func temporaryDirectory(_ prefix: String = "rolecall-test") throws -> String {
        if let root = TemporaryFiles.root { return try makeTemporaryDirectory(in: root, prefix: prefix) }
        let directory = try makeTemporaryDirectory(in: "/tmp", prefix: prefix)
        TemporaryFiles.remember(directory)
        return directory
    }

    public static func makeTemporaryDirectory(in parent: String, prefix: String) throws -> String {
        var template = Array("\(parent)/\(prefix).XXXXXX".utf8CString)
        guard let created = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw CocoaError(.fileWriteUnknown)
        }
        return String(cString: created)
    }
}
