import Foundation
import Issuance
import Testing
import TestSupport

@Suite(.removesTemporaryFiles) struct SecureDirectoryTests {
    let directory: SecureDirectory

    init() throws {
        directory = SecureDirectory(path: try Paths.temporaryDirectory() + "/home")
        try directory.create()
    }

    @Test func writesPrivateFilesInAPrivateDirectory() throws {
        try directory.write("state.json", Array("{}".utf8))
        var info = stat()
        stat(directory.path, &info)
        #expect(info.st_mode & 0o777 == 0o700)
        stat(directory.filePath("state.json"), &info)
        #expect(info.st_mode & 0o777 == 0o600)
    }

    @Test func readsBackWhatItWrote() throws {
        try directory.write("state.json", Array("{}".utf8))
        #expect(try directory.read("state.json") == Array("{}".utf8))
    }

    @Test func anAbsentFileReadsAsNothing() throws {
        #expect(try directory.read("absent.json") == nil)
    }

    @Test func looseFilePermissionsAreRefusedWithTheFix() throws {
        try directory.write("config.json", Array("{}".utf8))
        chmod(directory.filePath("config.json"), 0o644)
        #expect { try directory.read("config.json") } throws: {
            ($0 as? StoreError)?.code == .loosePermissions && "\($0)".contains("chmod 600 \(directory.filePath("config.json"))")
        }
    }

    @Test func looseDirectoryIsRefusedWithTheFix() throws {
        chmod(directory.path, 0o755)
        #expect { try directory.read("config.json") } throws: {
            ($0 as? StoreError)?.code == .loosePermissions && "\($0)".contains("chmod 700 \(directory.path)")
        }
        chmod(directory.path, 0o700)
    }

    /// Also written with a trailing slash, which makes `lstat` follow the link.
    @Test(arguments: ["", "/"])
    func aSymlinkedDirectoryIsRefusedNamingWhereItPoints(suffix: String) throws {
        let link = try Paths.temporaryDirectory() + "/linked-home"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: directory.path)
        #expect { try SecureDirectory(path: link + suffix).checkDirectory() } throws: {
            ($0 as? StoreError)?.code == .symbolicLinkDirectory && "\($0)".contains("\(link) is a symbolic link (it points to \(directory.path))")
                && "\($0)".contains("set ROLECALL_HOME to the real directory")
        }
    }

    @Test func symbolicLinksAreNotFollowed() throws {
        let target = try Paths.temporaryDirectory() + "/elsewhere"
        try Data("{}".utf8).write(to: URL(fileURLWithPath: target))
        chmod(target, 0o600)
        symlink(target, directory.filePath("link.json"))
        #expect { try directory.read("link.json") } throws: {
            ($0 as? StoreError)?.code == .symbolicLink && "\($0)".contains(directory.filePath("link.json"))
        }
    }

    static let damagedJSON = "{\n  \"profiles\": [\n    \"a\",\n    oops\n  ]\n}\n"

    /// Writes `damagedJSON` as config.json and returns the refusal that loading it throws.
    func loadDamagedJSON() throws -> (any Error)? {
        struct Document: Codable { var profiles: [String] }
        try directory.write("config.json", Array(Self.damagedJSON.utf8))
        do {
            _ = try JSONFile<Document>(directory: directory, name: "config.json").load()
            return nil
        } catch {
            return error
        }
    }

    @Test func damagedJSONIsRefusedNamingTheFile() throws {
        let message = "\(try #require(try loadDamagedJSON()))"
        #expect(message.contains(directory.filePath("config.json")) && message.contains("invalid JSON"), "\(message)")
    }

    @Test func damagedJSONIsLeftAlone() throws {
        _ = try loadDamagedJSON()
        #expect(try directory.read("config.json") == Array(Self.damagedJSON.utf8))
    }

    @Test func concurrentUpdatesUnderTheLockLoseNothing() async throws {
        struct Counter: Codable { var value: Int }
        let file = JSONFile<Counter>(directory: directory, name: "counter.json")
        try file.save(Counter(value: 0))
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<10 {
                        try? directory.withLock {
                            let current = try file.load()?.value ?? 0
                            try file.save(Counter(value: current + 1))
                        }
                    }
                }
            }
        }
        #expect(try file.load()?.value == 80)
    }
}
