import Foundation
import GRDB
import Logging
import AllotCore

/// What became of one drop-folder input.
public struct IntakeResult: Sendable {
    public enum Outcome: String, Sendable {
        /// Imported now and moved to `processed/` (some lines may be in dead letters).
        case processed
        /// Refused as a whole (a rejected snapshot, a file with no valid event, an unsupported file): moved to
        /// `failed/` with a `.error` file.
        case failed
        /// Its import had already committed (a crash came before the move, or the same file was sent again):
        /// moved without importing again.
        case alreadyImported
    }

    public var item: DropItem
    public var outcome: Outcome
    /// The import's counts (nil when nothing was imported now).
    public var summary: ImportSummary?
    /// Why it failed, as written to its `.error` file.
    public var error: String?
    /// Where it was moved.
    public var movedTo: String
    public var seconds: Double
}

/// Takes complete inputs from a drop folder, imports each in one transaction, and moves it away.
///
/// Crash safety: a file's import and its row in the import ledger (`import_file`: name + SHA-256) commit in the
/// same transaction, and the file is moved only after that commit. After a kill at any moment an input is
/// either not imported (it is still in the folder and is imported on restart) or imported and recorded (it may
/// still be in the folder; the ledger recognises it and it is only moved). Events are idempotent by id besides.
public struct DropFolderIntake: Sendable {
    public let mirror: Mirror
    public let folder: DropFolder
    public let logger: Logger
    /// Inputs of the running `processPending` not yet handled, the one being imported included (0 between passes):
    /// what a re-plan worker gives way to.
    private let unhandled = Locked(0)
    public var backlog: Int { unhandled.value }

    public init(mirror: Mirror, folder: DropFolder, logger: Logger = Logger(label: "allot.watch")) {
        self.mirror = mirror; self.folder = folder; self.logger = logger
    }

    /// Handles every complete input present now, in order of name; `afterEach` runs after each one (the watch
    /// re-plans there); `shouldStop` is asked before each input. An input that hits an unexpected error (the disk, the database) is left in place to be
    /// tried again, and the error is returned with the others.
    public func processPending(afterEach: (IntakeResult) throws -> Void = { _ in },
                               shouldStop: () -> Bool = { false }) throws -> (results: [IntakeResult], errors: [String]) {
        let (ready, waiting) = try folder.scan()
        if !waiting.isEmpty { logger.debug("still being written: \(waiting.joined(separator: ", "))") }
        var results: [IntakeResult] = []
        var errors: [String] = []
        unhandled.update { $0 = ready.count }
        defer { unhandled.update { $0 = 0 } }
        for item in ready {
            if shouldStop() { break }
            do {
                // Handled once imported: the catch-up `afterEach` asks for after the last input need not give way.
                let r = try { defer { unhandled.update { $0 -= 1 } }; return try process(item) }()
                results.append(r)
                try afterEach(r)
            } catch {
                let text = "\(item.name): \(error)"
                logger.error("could not handle \(item.name), left in place to try again: \(error)")
                try? recordSourceError(source: item.source, file: item.name, error: "\(error)")
                errors.append(text)
            }
        }
        return (results, errors)
    }

    /// Handles one input: imports it (or recognises it as already imported), then moves it.
    public func process(_ item: DropItem) throws -> IntakeResult {
        let started = Date()
        func done(_ outcome: IntakeResult.Outcome, _ summary: ImportSummary?, _ error: String?, _ movedTo: String) -> IntakeResult {
            IntakeResult(item: item, outcome: outcome, summary: summary, error: error, movedTo: movedTo,
                         seconds: Date().timeIntervalSince(started))
        }
        switch item.kind {
        case .unsupported:
            let error = "\(item.name): not an events file (.jsonl, .ndjson, .json) nor a snapshot folder with a \(item.name).done marker"
            try recordSourceError(source: item.source, file: item.name, error: error)
            let to = try folder.finish(item, to: .failed, error: error)
            logger.error("failed \(item.name): \(error)")
            return done(.failed, nil, error, to)
        case .events:
            let data = try Data(contentsOf: URL(fileURLWithPath: folder.path + "/" + item.name))
            // The file's hash (a few percent of a large file's intake) is worked out on another core while it is
            // imported; it is needed first only when the ledger already holds a file of this name.
            let folder = self.folder
            let hashing = BackgroundValue { Result { try folder.contentHash(of: item, data: data) } }
            if try knownName(item.name), let prior = try ledgerEntry(name: item.name, hash: hashing.value().get()) {
                return try moveAgain(item, prior, started)
            }
            var decided: (IntakeResult.Outcome, String?) = (.processed, nil)
            let summary = try EventImporter(mirror: mirror).importEvents(from: data, name: item.name) { db, summary in
                decided = Self.judge(summary, name: item.name)
                try Self.record(db, item: item, hash: hashing.value().get(), outcome: decided.0, error: decided.1, summary: summary)
            }
            let to = try folder.finish(item, to: decided.0 == .failed ? .failed : .processed, error: decided.1)
            log(item, summary, decided.1)
            return done(decided.0, summary, decided.1, to)
        case .snapshot:
            let hash = try folder.contentHash(of: item)
            if let prior = try ledgerEntry(name: item.name, hash: hash) { return try moveAgain(item, prior, started) }
            do {
                let summary = try SnapshotImporter(mirror: mirror).importSnapshot(directory: folder.path + "/" + item.name) { db, summary in
                    try Self.record(db, item: item, hash: hash, outcome: .processed, error: nil, summary: summary)
                }
                let to = try folder.finish(item, to: .processed)
                logger.info("imported snapshot \(item.name): \(summary.applied) rows changed, \(summary.duplicate) unchanged")
                return done(.processed, summary, nil, to)
            } catch let rejected as SnapshotRejected {
                let error = rejected.description
                try recordSourceError(source: item.source, file: item.name, error: error)
                let to = try folder.finish(item, to: .failed, error: error)
                logger.error("failed snapshot \(item.name): \(rejected.problems.count) problem(s); see \(to).error")
                return done(.failed, nil, error, to)
            }
        }
    }

    /// An events file fails as a whole when not one of its lines could be used; otherwise the bad lines wait
    /// in dead letters and the file counts as processed.
    static func judge(_ summary: ImportSummary, name: String) -> (IntakeResult.Outcome, String?) {
        guard summary.rejected > 0, summary.applied + summary.duplicate + summary.stale == 0 else { return (.processed, nil) }
        var lines = ["\(name): no usable event (\(summary.rejected) rejected; each rejected line is in `allot deadletters`)"]
        lines += summary.problems.prefix(50).map { "  " + $0.description }
        if summary.problems.count > 50 { lines.append("  … and \(summary.problems.count - 50) more") }
        return (.failed, lines.joined(separator: "\n"))
    }

    private func log(_ item: DropItem, _ summary: ImportSummary, _ error: String?) {
        let counts = "\(summary.description)\(summary.gaps.isEmpty ? "" : ", \(summary.gaps.count) seq gap(s)")"
        if error != nil {
            logger.error("failed \(item.name): \(counts)")
        } else if summary.rejected > 0 {
            logger.warning("imported \(item.name): \(counts); rejected lines are in dead letters")
        } else {
            logger.info("imported \(item.name): \(counts)")
        }
        for gap in summary.gaps.prefix(5) { logger.warning("seq gap in \(item.name): \(gap)") }
    }

    private func moveAgain(_ item: DropItem, _ prior: (outcome: IntakeResult.Outcome, error: String?), _ started: Date) throws -> IntakeResult {
        let to = try folder.finish(item, to: prior.outcome == .failed ? .failed : .processed, error: prior.error)
        logger.notice("\(item.name) was already imported (same name and content); moved without importing again")
        return IntakeResult(item: item, outcome: .alreadyImported, summary: nil, error: prior.error, movedTo: to,
                            seconds: Date().timeIntervalSince(started))
    }

    // MARK: The import ledger

    /// Whether the import ledger holds a file of this name (with any content).
    func knownName(_ name: String) throws -> Bool {
        try mirror.db.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM import_file WHERE name = ?)", arguments: [name]) ?? false }
    }

    func ledgerEntry(name: String, hash: String) throws -> (outcome: IntakeResult.Outcome, error: String?)? {
        try mirror.db.read { db in
            try Row.fetchOne(db, sql: "SELECT outcome, error FROM import_file WHERE name = ? AND sha256 = ?", arguments: [name, hash])
                .map { (IntakeResult.Outcome(rawValue: $0[0]) ?? .processed, $0[1]) }
        }
    }

    /// Writes the ledger row and the source's file counters, inside the importing transaction.
    static func record(_ db: Database, item: DropItem, hash: String, outcome: IntakeResult.Outcome, error: String?,
                       summary: ImportSummary) throws {
        let now = ChangeFeed.now()
        try db.execute(sql: """
            INSERT INTO import_file(name, sha256, kind, source, committed_at, outcome, error, applied, duplicate, stale, rejected)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [item.name, hash, item.kind.rawValue, item.source, now, outcome.rawValue, error,
                             summary.applied, summary.duplicate, summary.stale, summary.rejected])
        let failed = outcome == .failed
        // A snapshot has no event times: its arrival is its freshness.
        let eventAt: String? = item.kind == .snapshot ? now : nil
        try db.execute(sql: """
            INSERT INTO source_state(source, files, failed_files, last_file, last_file_at, last_error, last_error_at, last_event_at, last_applied_at)
            VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(source) DO UPDATE SET files = files + 1, failed_files = failed_files + excluded.failed_files,
              last_file = excluded.last_file, last_file_at = excluded.last_file_at,
              last_error = excluded.last_error, last_error_at = coalesce(excluded.last_error_at, last_error_at),
              last_event_at = coalesce(max(last_event_at, excluded.last_event_at), last_event_at, excluded.last_event_at),
              last_applied_at = coalesce(excluded.last_applied_at, last_applied_at)
            """, arguments: [item.source, failed ? 1 : 0, item.name, now, failed ? error : nil, failed ? now : nil,
                             eventAt, eventAt])
    }

    /// Notes on the source that a file of it failed (the health view shows the source as failing).
    func recordSourceError(source: String, file: String, error: String) throws {
        let now = ChangeFeed.now()
        try mirror.db.write { db in
            try db.execute(sql: """
                INSERT INTO source_state(source, files, failed_files, last_file, last_file_at, last_error, last_error_at)
                VALUES (?, 1, 1, ?, ?, ?, ?)
                ON CONFLICT(source) DO UPDATE SET files = files + 1, failed_files = failed_files + 1, last_file = excluded.last_file,
                  last_file_at = excluded.last_file_at, last_error = excluded.last_error, last_error_at = excluded.last_error_at
                """, arguments: [source, file, now, error, now])
        }
    }
}
