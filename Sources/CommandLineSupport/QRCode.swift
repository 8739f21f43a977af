import ChildProcess
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A terminal QR code through `qrencode`, when it is installed.
public enum QRCode {
    public static func render(_ text: String) -> String? {
        let candidates: [String] = ["/usr/bin/qrencode", "/usr/local/bin/qrencode", "/opt/homebrew/bin/qrencode"]
        guard let path = candidates
            .first(where: { access($0, X_OK) == 0 }) else { return nil }
        // The URI travels through a pipe, never through argv.
        return try? CapturedRun.run(path, ["-t", "UTF8"], input: Array(text.utf8), discardErrors: true) { status, output in
            status == 0 ? String(decoding: output, as: UTF8.self) : nil
        }
    }
}
