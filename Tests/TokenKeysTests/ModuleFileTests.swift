import Foundation
import RolesAnywhere
import Testing
import TestSupport
@testable import TokenKeys

/// A PKCS#11 module that someone other than the user or root could write is never loaded: its
/// constructor would run as the user (issue 22). A library whose constructor leaves a mark shows
/// whether it ran.
@Suite(.removesTemporaryFiles) struct ModuleFileTests {
    /// Where the library and its mark go, each step of `layout` a directory made with its mode.
    struct Placed {
        let module: String
        let mark: String
        var constructorRan: Bool { FileManager.default.fileExists(atPath: mark) }
    }

    /// Builds the marking library at `base/<directories>/module.so` with `mode`; each directory is
    /// made with its mode (chmod, so the umask does not interfere).
    static func place(directories: [(String, mode_t)], mode: mode_t = 0o755) async throws -> Placed {
        let base = try Paths.temporaryDirectory("rolecall-module")
        let mark = base + "/constructor-ran"
        var directory = base
        for (name, directoryMode) in directories {
            directory += "/" + name
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
            chmod(directory, directoryMode)
        }
        let module = directory + "/module.so"
        let source = Paths.packageRoot + "/Tests/Fixtures/pkcs11/constructor-module.c"
        let built = try await ProcessRunner.run("cc", ["-shared", "-fPIC", "-DMARK=\"\(mark)\"", "-o", module, source])
        try #require(built.status == 0, "\(built.stderr)")
        chmod(module, mode)
        return Placed(module: module, mark: mark)
    }

    /// The refusal, or the error of a library that loaded and is no PKCS#11 module.
    static func load(_ path: String) -> TokenError? {
        do {
            try PKCS11Module.acquire(path: path).release()
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        ([("private", 0o700)], 0o666, "the module", "writable by others"),
        ([("private", 0o700)], 0o664, "the module", "writable by its group"),
        ([("open", 0o777)], 0o755, "the directory holding the module", "writable by others"),
        ([("sticky", 0o1777)], 0o755, "the directory holding the module", "writable by others"),
        ([("open", 0o777), ("private", 0o700)], 0o755, "a directory above the module", "writable by others"),
    ] as [([(String, mode_t)], mode_t, String, String)])
    func aModuleOthersCouldWriteIsNotLoaded(directories: [(String, mode_t)], mode: mode_t, what: String, why: String) async throws {
        let placed = try await Self.place(directories: directories, mode: mode)
        let refusal = try #require(Self.load(placed.module))
        guard case .moduleUnsafe(let path, let reason) = refusal else { Issue.record("expected moduleUnsafe, got \(refusal)"); return }
        #expect(path == placed.module)
        #expect(reason.hasPrefix(what) && reason.contains(why), "\(reason)")
        #expect(refusal.description.contains("chmod go-w"), "\(refusal)")
        #expect(!placed.constructorRan)
    }

    /// A sticky directory (as /tmp) above a directory of the user's own keeps others out of it.
    @Test func aPrivateDirectoryInsideAStickyOneIsSafe() async throws {
        let placed = try await Self.place(directories: [("sticky", 0o1777), ("private", 0o700)])
        let error = try #require(Self.load(placed.module))
        #expect(error == .moduleNotLoadable(path: placed.module, reason: "it has no C_GetFunctionList: not a PKCS#11 module"))
        #expect(placed.constructorRan, "loaded: the check let it through")
    }

    @Test func aModuleOfAnotherUserIsNotLoaded() async throws {
        try #require(geteuid() == 0, "needs root to give the module away")
        let placed = try await Self.place(directories: [("private", 0o700)])
        chown(placed.module, 65534, 65534)
        let refusal = try #require(Self.load(placed.module))
        #expect(refusal == .moduleUnsafe(path: placed.module, reason: "the module \(placed.module) belongs to another user (uid 65534)"))
        #expect(!placed.constructorRan)
    }

    /// The check follows symbolic links (p11-kit-proxy.so often is one) and judges the target.
    @Test(arguments: [(0o755 as mode_t, true), (0o666, false)])
    func aSymbolicLinkIsJudgedByItsTarget(mode: mode_t, loads: Bool) async throws {
        let placed = try await Self.place(directories: [("private", 0o700)], mode: mode)
        let link = try Paths.temporaryDirectory("rolecall-module-link") + "/p11-kit-proxy.so"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: placed.module)
        let error = try #require(Self.load(link))
        if loads {
            #expect(error == .moduleNotLoadable(path: link, reason: "it has no C_GetFunctionList: not a PKCS#11 module"))
        } else {
            #expect(error == .moduleUnsafe(path: link, reason: "the module \(placed.module) is writable by others (mode 666)"))
        }
        #expect(placed.constructorRan == loads)
    }

    @Test func aRelativeModuleIsNeverLoadedNorAnswered() throws {
        #expect(Self.load("module.so") == .moduleNotAbsolute(path: "module.so"))
        #expect(Self.load("./module.so") == .moduleNotAbsolute(path: "./module.so"))
        let bare = try PKCS11URI(parsing: "pkcs11:token=a")
        let fromFlag = TokenAccess(moduleOverride: "lib/module.so", environment: [:]) { _ in SecretBytes("") }
        #expect(throws: TokenError.moduleNotAbsolute(path: "lib/module.so")) { try fromFlag.modulePath(for: bare, remembered: "/remembered.so") }
        let fromEnvironment = TokenAccess(environment: [TokenAccess.moduleVariable: "module.so"]) { _ in SecretBytes("") }
        #expect(throws: TokenError.moduleNotAbsolute(path: "module.so")) { try fromEnvironment.modulePath(for: bare) }
        #expect(throws: TokenError.moduleNotAbsolute(path: "softhsm2")) {
            try fromEnvironment.modulePath(for: try PKCS11URI(parsing: "pkcs11:token=a?module-name=softhsm2"))
        }
        let remembered = try #require(throws: TokenError.self) { try fromEnvironment.modulePath(for: bare, remembered: "module.so") }
        #expect(remembered == .rememberedModuleNotAbsolute(path: "module.so"))
        #expect(remembered.description.contains("rolecall profile add NAME --force") && remembered.description.contains("--pkcs11-module /"))
        // --pkcs11-module is made absolute where it is typed, before anything remembers it.
        #expect(TokenAccess.absoluteModulePath("./lib/module.so", in: "/home/alice") == "/home/alice/lib/module.so")
        #expect(TokenAccess.absoluteModulePath("/usr/lib/module.so", in: "/home/alice") == "/usr/lib/module.so")
    }
}
