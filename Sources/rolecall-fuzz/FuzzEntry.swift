import CFuzzDriver
import Foundation

/// `rolecall-fuzz TARGET [libFuzzer flags] [CORPUS…]` when built with `-sanitize=fuzzer` and
/// `-DFUZZING` (scripts/fuzz); otherwise `rolecall-fuzz TARGET FILE…` runs each file through the
/// target once, which is how the tests replay the checked-in corpora and past crashes.
/// `rolecall-fuzz seeds DIR` writes the seed corpora.
@main
enum FuzzEntry {
    static func main() throws {
        let arguments = CommandLine.arguments
        guard arguments.count >= 2 else { usage() }
        if arguments[1] == "seeds", arguments.count == 3 {
            try FuzzSeeds.write(to: arguments[2])
            return
        }
        #if FUZZING
        // The target is the first argument, or ROLECALL_FUZZ_TARGET when libFuzzer re-runs this
        // binary for -merge, -fork or -minimize_crash with its own flags only.
        let named = ProcessInfo.processInfo.environment["ROLECALL_FUZZ_TARGET"]
        let fromArgument = FuzzTargets.all[arguments[1]] != nil
        guard let target = FuzzTargets.all[fromArgument ? arguments[1] : named ?? ""] else { usage() }
        FuzzTargets.selected = target
        // libFuzzer sees argv without the target name.
        var argv: [UnsafeMutablePointer<CChar>?] = ([arguments[0]] + arguments.dropFirst(fromArgument ? 2 : 1)).map { strdup($0) } + [nil]
        var argc = CInt(argv.count - 1)
        let status = argv.withUnsafeMutableBufferPointer { buffer in
            var base: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = buffer.baseAddress
            return LLVMFuzzerRunDriver(&argc, &base, fuzzOneInput)
        }
        exit(status)
        #else
        guard let target = FuzzTargets.all[arguments[1]] else { usage() }
        for path in arguments.dropFirst(2) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            // Seeds signed to be accepted must stay accepted, or fuzzing never gets past the signature.
            FuzzTargets.requireAcceptance = FuzzSeeds.acceptedSeedNames.contains(URL(fileURLWithPath: path).lastPathComponent)
            bytes.withUnsafeBytes { target($0) }
        }
        print("\(arguments[1]): \(arguments.count - 2) inputs, no crash")
        #endif
    }

    static func usage() -> Never {
        FileHandle.standardError.write(Data("usage: rolecall-fuzz TARGET [FILE…] | seeds DIR\ntargets: \(FuzzTargets.all.keys.sorted().joined(separator: " "))\n".utf8))
        exit(2)
    }
}

#if FUZZING
/// libFuzzer's archive pulls in its own `main`, which references this symbol even though
/// `LLVMFuzzerRunDriver` is what runs; both lead to the selected target.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTargets.selected(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#endif
