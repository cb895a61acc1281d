import ArgumentParser
import Foundation
import AllotCore
import AllotStore

/// `allot import PATH...`: loads snapshot folders and event files into the mirror.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load snapshot folders (CSV) and event files (JSON Lines) into the mirror.",
        discussion: """
        A FOLDER is a snapshot in the contract's CSV layout (warehouses.csv, items.csv, orders.csv, \
        order_lines.csv, …, users.csv, policy.toml). Each file present replaces its table: its rows are inserted \
        or updated and rows the file no longer lists are deleted; a file that is absent leaves its table alone. \
        A snapshot loads all or nothing: every file is checked first, and if any cell, key or reference is wrong \
        every problem is printed as `file:line: field 'x': value 'v': message` and the mirror is left exactly as \
        it was. Importing the same folder again changes nothing. A folder's `history/` (past lines, shipments, \
        receipt etas; see `allot insight history`) is loaded after its snapshot.

        A FILE (or `-` for standard input) holds events, one JSON object a line. An event whose id was seen \
        before is a duplicate and changes nothing; one older (by seq) than what was applied for the same entity \
        is stale and changes nothing; an invalid one goes to the dead-letter table with its reason while every \
        valid event still applies. Gaps in a source's seq are reported.

        Prints `applied N, duplicate N, stale N, rejected N` and exits non-zero when anything was rejected.

        A folder or file of the bundled sample scenario that a first start of the workbench loaded into this \
        mirror with its dates moved to that day (`allot status` says so) is moved alike, so that its events \
        continue the story; the move is printed.

        When the mirror has a stored plan, the lines the import touched are then re-planned as `allot watch` \
        does (only the skus the changes reach; a snapshot re-plans everything), so the workbench shows current \
        recommendations; `--no-replan` leaves the plan as it was until the next `allot plan`.
        """)

    @Argument(help: ArgumentHelp("Snapshot folders and event files to import, in order; `-` reads events from standard input.",
                                 valueName: "path"))
    var paths: [String]

    @Flag(name: .long, help: "Do not re-plan the touched lines after the import.")
    var noReplan = false

    @OptionGroup var store: StoreOptions

    func run() throws {
        let mirror = try store.open()
        var total = ImportSummary()
        for path in paths {
            let summary = try importOne(path, into: mirror)
            if paths.count > 1 { print("\(path): \(summary)") }
            total.add(summary)
        }
        print(total.description)
        if !noReplan && total.applied > 0 {
            // The import is committed whatever happens here: a failed re-plan leaves the plan behind the data
            // (the next catch-up or `allot plan` redoes it), so it is reported, not undone.
            do {
                if let outcome = try IncrementalReplanner(mirror: mirror).catchUp() { printError(outcome.description) }
            } catch {
                printError("the import is applied, but re-planning it failed: \(error); run allot plan")
                throw ExitCode.failure
            }
        }
        if total.rejected > 0 { throw ExitCode.failure }
    }

    /// The days to move a path's dates by: a file of the bundled scenario that a first start loaded into this mirror
    /// with its dates moved (`Mirror.sampleOrigin`) is moved alike, so that its events continue the story on the day
    /// the mirror tells it; anything else is imported as written.
    private func daysToMove(_ path: String, mirror: Mirror) throws -> Int {
        guard path != "-", let origin = try mirror.sampleOrigin(), origin.daysMoved != 0 else { return 0 }
        let scenario = URL(fileURLWithPath: SampleLocator.scenario(origin.scenario)).standardizedFileURL.resolvingSymlinksInPath().path
        let file = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        guard file == scenario || file.hasPrefix(scenario + "/") else { return 0 }
        let days = origin.daysMoved
        printError("\(path): dates moved \(days > 0 ? "+" : "")\(days) days, as the sample \(origin.scenario) in this mirror was "
            + "(its \(SampleLocator.scenarioDay) is \(SampleLocator.scenarioDay + days))")
        return days
    }

    private func importOne(_ path: String, into mirror: Mirror) throws -> ImportSummary {
        var isDir: ObjCBool = false
        let days = try daysToMove(path, mirror: mirror)
        if path != "-" && FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue {
            do {
                return try DateShift.withMoved(folder: path, days: days) { folder in
                    let summary = try SnapshotImporter(mirror: mirror).importSnapshot(directory: folder)
                    // A scenario folder may carry its history (history/*.csv) for the metrics and insight models.
                    if FileManager.default.fileExists(atPath: folder + "/history") {
                        do {
                            let h = try HistoryLoader(mirror: mirror).load(directory: folder)
                            printError("\(path)/history: \(h.lines) past lines, \(h.shipments) shipments, \(h.etas) receipt etas")
                        } catch let e as HistoryFileError { throw ImportFailure(message: e.description) }
                    }
                    return summary
                }
            } catch let rejected as SnapshotRejected {
                for p in rejected.problems { printError(p.description) }
                printError("\(path): snapshot rejected (\(rejected.problems.count) problem\(rejected.problems.count == 1 ? "" : "s")); the mirror is unchanged")
                var s = ImportSummary()
                s.rejected = rejected.problems.count
                return s
            }
        }
        let summary: ImportSummary
        if path == "-" {
            summary = try EventImporter(mirror: mirror).importEvents(from: FileHandle.standardInput, name: "<stdin>")
        } else {
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw ImportFailure(message: "\(path): no such file or folder, or it cannot be read")
            }
            defer { try? handle.close() }
            if days != 0 {
                guard let text = String(data: try handle.readToEnd() ?? Data(), encoding: .utf8) else {
                    throw ImportFailure(message: "\(path): not UTF-8 text")
                }
                summary = try EventImporter(mirror: mirror).importEvents(from: Data(DateShift.shift(jsonLines: text, days: days).utf8), name: path)
            } else {
                summary = try EventImporter(mirror: mirror).importEvents(from: handle, name: path)
            }
        }
        for p in summary.problems { printError(p.description) }
        if summary.rejected > 0 { printError("\(path): \(summary.rejected) rejected and kept in the dead-letter table; every valid event was applied") }
        for g in summary.gaps { printError("gap: \(g)") }
        return summary
    }
}

/// A path `allot import` cannot use at all; printed without the usage text.
struct ImportFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
