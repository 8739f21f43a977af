import Foundation
import Testing
import TestSupport

/// Package.swift, read as SwiftPM reads it (`swift package dump-package`), beside what the sources
/// import and what ARCHITECTURE.md says: a module imported without being declared links only by
/// the luck of another target's dependencies, and a map that drifts from the manifest misleads.
@Suite struct PackageMapTests {
    @Test func everyTargetDeclaresWhatItImports() async throws {
        let manifest = try await PackageManifest.load()
        var undeclared: [String] = []
        for target in manifest.targets {
            let allowed = Self.platformModules.union(target.dependencies.map(PackageManifest.moduleName)).union([PackageManifest.moduleName(target.name)])
            for (module, file) in try Self.imports(under: target.directory) where !allowed.contains(module) {
                undeclared.append("\(target.name) imports \(module) (\(file)) without declaring it")
            }
        }
        #expect(undeclared.isEmpty, "\(undeclared.joined(separator: "\n"))")
    }

    /// Every target but the tests has a row in ARCHITECTURE.md, whose `uses` are its dependencies
    /// among the package's targets.
    @Test func architectureMatchesTheManifest() async throws {
        let manifest = try await PackageManifest.load()
        let map = try ArchitectureTables.load()
        let documented = Set(manifest.targets.filter { $0.type != "test" }.map(\.name))
        #expect(documented.subtracting(map.rows.keys).isEmpty, "targets ARCHITECTURE.md has no row for: \(documented.subtracting(map.rows.keys).sorted())")
        #expect(Set(map.rows.keys).subtracting(documented).isEmpty, "rows of ARCHITECTURE.md Package.swift has no target for: \(Set(map.rows.keys).subtracting(documented).sorted())")
        let names = Set(manifest.targets.map(\.name))
        for target in manifest.targets where documented.contains(target.name) {
            guard let row = map.rows[target.name] else { continue }
            let uses = Set(target.dependencies.filter(names.contains))
            #expect(row == uses, "ARCHITECTURE.md, what \(target.name) uses: add \(uses.subtracting(row ?? []).sorted()), remove \(row.map { $0.subtracting(uses).sorted() } ?? [])")
        }
    }

    @Test func importsAreReadOutsideStringLiterals() {
        let source = """
        @testable import Session
        internal import struct X509.Certificate
        let script = \"\"\"
        import json
        \"\"\"
        // import Commented
        """
        #expect(Self.imports(in: source) == ["Session", "X509"])
    }

    /// Modules of the platform and the toolchain, which no manifest declares.
    static let platformModules: Set<String> = [
        "Foundation", "FoundationEssentials", "FoundationNetworking", "FoundationXML", "Dispatch", "Synchronization",
        "Glibc", "Musl", "Darwin", "System", "os", "Testing", "XCTest", "PackagePlugin",
    ]

    /// Each module the Swift files under `directory` import, with one file that imports it.
    static func imports(under directory: String) throws -> [String: String] {
        var found: [String: String] = [:]
        let files = FileManager.default.enumerator(atPath: directory)?.compactMap { $0 as? String } ?? []
        for file in files where file.hasSuffix(".swift") {
            let source = try String(contentsOfFile: directory + "/" + file, encoding: .utf8)
            for module in imports(in: source) where found[module] == nil { found[module] = file }
        }
        return found
    }

    /// `import X`, `@testable import X`, `internal import X`, `import struct X.Y`; not inside a
    /// multi-line string literal (tests hold Python scripts that import too).
    static func imports(in source: String) -> Set<String> {
        var modules: Set<String> = []
        var inLiteral = false
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            let delimiters = line.components(separatedBy: "\"\"\"").count - 1
            defer { if delimiters % 2 == 1 { inLiteral.toggle() } }
            guard !inLiteral else { continue }
            var words = line.split(separator: " ").map(String.init).drop { $0.hasPrefix("@") || ["public", "package", "internal", "fileprivate", "private"].contains($0) }
            guard words.first == "import", words.count >= 2 else { continue }
            words.removeFirst()
            if ["struct", "class", "enum", "protocol", "func", "var", "let", "typealias"].contains(words.first ?? ""), words.count >= 2 { words.removeFirst() }
            if let module = words.first?.split(separator: ".").first { modules.insert(String(module)) }
        }
        return modules
    }
}

/// The targets of Package.swift and what each depends on by name (targets and products alike).
struct PackageManifest: Decodable {
    struct Target: Decodable {
        let name: String
        let type: String
        let path: String?
        let dependencies: [String]

        enum CodingKeys: String, CodingKey { case name, type, path, dependencies }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            type = try container.decode(String.self, forKey: .type)
            path = try container.decodeIfPresent(String.self, forKey: .path)
            dependencies = try container.decode([Dependency].self, forKey: .dependencies).map(\.name)
        }

        /// Where its sources are: its `path`, else SwiftPM's default folder for its kind.
        var directory: String {
            let folder = path ?? "\(type == "test" ? "Tests" : type == "plugin" ? "Plugins" : "Sources")/\(name)"
            return Paths.packageRoot + "/" + folder
        }
    }

    /// `{"byName": ["X", null]}`, `{"target": ["X", null]}` or `{"product": ["X", "package", …]}`.
    struct Dependency: Decodable {
        let name: String

        struct Kind: CodingKey {
            let stringValue: String
            init(stringValue: String) { self.stringValue = stringValue }
            var intValue: Int? { nil }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Kind.self)
            guard let kind = container.allKeys.first else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a dependency of no kind"))
            }
            var values = try container.nestedUnkeyedContainer(forKey: kind)
            name = try values.decode(String.self)
        }
    }

    let targets: [Target]

    /// An executable target's module name has `_` for `-`; products here are named as their modules.
    static func moduleName(_ name: String) -> String { name.replacingOccurrences(of: "-", with: "_") }

    /// Its own scratch directory, so that reading the manifest waits for no build.
    static func load() async throws -> PackageManifest {
        let scratch = try Paths.temporaryDirectory("rolecall-manifest")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let dump = try await ProcessRunner.run("swift", ["package", "--package-path", Paths.packageRoot, "--scratch-path", scratch, "dump-package"])
        try #require(dump.status == 0, "swift package dump-package: \(dump.stderr)")
        return try JSONDecoder().decode(PackageManifest.self, from: Data(dump.stdout.utf8))
    }
}

/// ARCHITECTURE.md's tables: each row's first cell names a target (in backticks), and its `uses`
/// column lists the package's targets it depends on (`—` for none).
struct ArchitectureTables {
    /// Each target a row names, with its `uses` (nil in a table without that column).
    var rows: [String: Set<String>?] = [:]

    static func load() throws -> ArchitectureTables {
        let text = try String(contentsOfFile: Paths.packageRoot + "/ARCHITECTURE.md", encoding: .utf8)
        var map = ArchitectureTables()
        var usesColumn: Int?
        for line in text.split(separator: "\n") where line.hasPrefix("|") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast().map { $0.trimmingCharacters(in: .whitespaces) }
            guard let first = cells.first, first.hasPrefix("`") else {
                if !(cells.first ?? "").hasPrefix("-") { usesColumn = cells.firstIndex(of: "uses") }
                continue
            }
            map.rows.updateValue(usesColumn.map { $0 < cells.count ? Set(backticked(cells[$0])) : [] }, forKey: backticked(first)[0])
        }
        return map
    }

    /// The words in backticks, in order.
    static func backticked(_ cell: String) -> [String] {
        cell.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }
}
