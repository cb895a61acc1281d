import ArgumentParser
import Foundation
import AllotCore
import AllotStore

/// The `--db` option every command takes, and how the mirror is opened from it.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The mirror file (SQLite).",
        discussion: "Default: $ALLOT_DB, else $XDG_DATA_HOME/allot/mirror.sqlite, else ~/.local/share/allot/mirror.sqlite.",
        valueName: "path"))
    var db: String?

    var path: String { db ?? Mirror.defaultPath() }

    func open() throws -> Mirror { try Self.open(path) }

    /// The mirror at `path`, or an error naming it.
    static func open(_ path: String) throws -> Mirror {
        do { return try Mirror(path: path) } catch {
            throw ValidationError("cannot open the mirror at \(path): \(error)")
        }
    }
}

/// Where the bundled sample scenarios live: `$ALLOT_SAMPLES`, else `SampleData/` of the source tree this binary
/// was built from, so `swift run allot` works from any folder.
enum SampleLocator {
    static var root: String {
        if let env = ProcessInfo.processInfo.environment["ALLOT_SAMPLES"], !env.isEmpty { return env }
        let here = URL(fileURLWithPath: #filePath)  // …/Sources/allot/StoreOptions.swift
        return here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("SampleData").path
    }
    static let defaultScenario = "promo-three-warehouses"
    /// The day both bundled scenarios are seen on (SampleData/README.md); a first start moves their dates from it to today.
    static let scenarioDay = Day(year: 2026, month: 11, day: 29)
    static func scenario(_ name: String) -> String { root + "/" + name }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
