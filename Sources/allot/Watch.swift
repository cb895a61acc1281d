import ArgumentParser
import Dispatch
import Foundation
import Logging
import AllotCore
import AllotStore

/// `allot watch DIR`: imports exports as they land in a drop folder.
struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import ERP/WMS/TMS exports as they land in a drop folder, until stopped.",
        discussion: """
        DIR receives JSON Lines event files (`*.jsonl`, `*.ndjson`, `*.json`) and snapshot folders. Only \
        complete inputs are taken: write under a temporary name (a dotfile, `*.tmp`, `*.part`) and rename when \
        done; a snapshot folder is taken once an empty `NAME.done` file appears beside it. Inputs are taken in \
        order of name; a file's source is its name up to the first `-`, `_` or `.` (`erp-000123.jsonl` → erp).

        Each input is imported in one transaction, then moved to DIR/processed/, or to DIR/failed/ with \
        NAME.error beside it saying what was wrong (a rejected snapshot; an events file with no usable line). \
        Bad lines of an otherwise good file go to dead letters (`allot deadletters`). After each input the lines \
        of the skus it changed are re-planned (when a plan exists), and between inputs those of the skus and \
        orders that workbench decisions changed (units released or given back, orders held, released or cancelled). \
        Re-plans run on a thread of their own while the next input is imported; inputs that land during a re-plan \
        are re-planned together right after it. Re-plans give way to the intake: their thread runs at a lower \
        priority, and while inputs wait to be imported they solve on that thread alone (on every core otherwise); \
        a re-plan still solving when newer inputs have been imported is dropped, and the next one takes both; while \
        inputs wait, a re-plan starts no sooner than --replan-pause seconds after the last one ended (a flood is \
        re-planned in fewer, larger steps). A file landing wakes the watch at once (inotify); --interval is how often it looks anyway, and catches up decisions. Stop with Ctrl-C or SIGTERM: the input \
        being imported is finished first, and re-planned. After a crash (even kill -9) just start it again: nothing is lost and \
        nothing is applied twice. Logs go to standard error.
        """)

    @Argument(help: ArgumentHelp("The drop folder (created with processed/ and failed/ when missing).", valueName: "dir"))
    var dir: String

    @Flag(name: .long, help: "Handle what is there now, then exit (non-zero when an input could not be handled).")
    var once = false

    @Option(name: .long, help: ArgumentHelp("Seconds between looks at the folder when nothing wakes the watch (a file landing does, at once).", valueName: "seconds"))
    var interval: Double = 1.0

    @Flag(name: .long, help: "Do not re-plan after each input.")
    var noReplan = false

    @Option(name: .long, help: ArgumentHelp("While inputs wait to be imported, the least seconds from the end of one re-plan to the start of the next (0: none).",
                                            valueName: "seconds"))
    var replanPause: Double = ReplanWorker.defaultPause

    @Option(name: .long, help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error, critical.", valueName: "level"))
    var logLevel: String = "info"

    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level: '\(logLevel)' is not a log level") }
        guard interval > 0 else { throw ValidationError("--interval must be more than 0") }
        guard replanPause >= 0, replanPause.isFinite else { throw ValidationError("--replan-pause must be 0 or more seconds") }
    }

    func run() throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = level
            return h
        }
        let logger = Logger(label: "allot.watch")
        let mirror = try store.open()
        let intake = DropFolderIntake(mirror: mirror, folder: try DropFolder(path: dir), logger: logger)
        // Re-plans run beside the intake: the next input is imported while the last one is re-planned.
        let worker = noReplan ? nil : ReplanWorker(replanner: IncrementalReplanner(mirror: mirror), givingWayTo: { intake.backlog > 0 },
                                                         pause: replanPause) { outcome, names in
            guard let outcome else {
                logger.info("\(names.joined(separator: ", ")): re-planned already, by the catch-up running when it was imported")
                return
            }
            guard outcome.changes > 0 || !names.isEmpty else { return }
            logger.info("\(names.isEmpty ? "changes without a file" : names.joined(separator: ", ")): \(outcome)")
        }
        let stop = StopSignal()
        stop.install()
        // A file landing wakes the loop at once; the interval is the fallback (and the pace of decision catch-ups).
        let wake = DropFolderWake(path: dir)
        logger.info("watching \(dir) (mirror \(store.path))")
        var failed = false
        func reportFailures(_ failures: [String]) {
            for f in failures { logger.error("\(f); tried again at the next input") }
            failed = failed || !failures.isEmpty
        }
        repeat {
            let (_, errors) = try intake.processPending(afterEach: { result in
                guard let worker, result.outcome != .failed else { return }
                worker.request(after: result.item.name)
                reportFailures(worker.takeFailures())
            }, shouldStop: { stop.requested })
            failed = failed || !errors.isEmpty
            // Decisions made in the workbench feed the change log too (units released, orders held): re-plan around
            // them between files as well, not only when the next file lands.
            if let worker, !stop.requested { worker.request() }
            if once || stop.requested { break }
            if let wake { wake.wait(seconds: interval, shouldStop: { stop.requested }) } else { stop.wait(seconds: interval) }
            if let worker { reportFailures(worker.takeFailures()) }
        } while !stop.requested
        // What was imported is re-planned before the watch ends.
        if let worker {
            reportFailures(worker.waitUntilIdle())
            worker.stop()
        }
        logger.info(stop.requested ? "stopped" : "done")
        if once && failed { throw ExitCode.failure }
    }
}

/// Turns SIGINT and SIGTERM into a request to stop after the input being imported.
final class StopSignal: @unchecked Sendable {
    private let lock = NSCondition()
    private var stopped = false
    private var sources: [DispatchSourceSignal] = []

    var requested: Bool { lock.lock(); defer { lock.unlock() }; return stopped }

    func install() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [weak self] in self?.request() }
            source.resume()
            sources.append(source)
        }
    }

    func request() { lock.lock(); stopped = true; lock.broadcast(); lock.unlock() }

    /// Sleeps up to `seconds`, waking early when a stop is requested.
    func wait(seconds: Double) {
        lock.lock(); defer { lock.unlock() }
        let until = Date().addingTimeInterval(seconds)
        while !stopped, lock.wait(until: until) {}
    }
}
