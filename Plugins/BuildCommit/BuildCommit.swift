import Foundation
import PackagePlugin

/// Writes `BuildCommit.swift` (`let buildCommit = "…"`) for `--version` before every build: the
/// checkout's commit, `-dirty` when it has changes, else "unknown (not a git checkout)". A prebuild
/// command runs on every `swift build`, so the commit cannot go stale as a checked-out or stamped
/// file could; the file is rewritten only when the commit changes, so an unchanged one rebuilds nothing.
@main
struct BuildCommit: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "generated")
        return [.prebuildCommand(
            displayName: "Stamping the git commit for --version",
            executable: URL(fileURLWithPath: "/bin/sh"),
            arguments: ["-c", Self.script, "build-commit", context.package.directoryURL.path, output.path],
            outputFilesDirectory: output
        )]
    }

    /// $1: the package; $2: the output directory. safe.directory: `sudo make install` runs this as
    /// root in a checkout someone else owns.
    static let script = #"""
        set -u
        commit="$(git -C "$1" -c safe.directory="$1" rev-parse --short=12 HEAD 2>/dev/null)" || commit=""
        if [ -z "$commit" ]; then
            commit="unknown (not a git checkout)"
        elif ! git -C "$1" -c safe.directory="$1" diff --quiet HEAD 2>/dev/null; then
            commit="$commit-dirty"
        fi
        mkdir -p "$2"
        line="let buildCommit = \"$commit\""
        [ "$(cat "$2/BuildCommit.swift" 2>/dev/null)" = "$line" ] || printf '%s\n' "$line" > "$2/BuildCommit.swift"
        """#
}
