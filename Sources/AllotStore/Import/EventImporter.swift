import Foundation
import GRDB
import AllotCore

/// What became of one event line.
public enum EventOutcome: Hashable, Sendable {
    /// Applied (it may have changed nothing when the mirror already held the same values).
    case applied(ChangeSet)
    /// Its id was seen before; nothing changed.
    case duplicate
    /// Older (by seq) than what was already applied for the same entity from the same source; nothing changed.
    case stale
    /// Invalid; nothing of it was applied.
    case rejected(ImportProblem)
}

/// Applies JSON Lines events (the contract's section 2) to the mirror.
///
/// Events are idempotent by `id` and ordered by `seq` per (source, entity): a duplicate or a stale event changes
/// nothing. An invalid line goes to the dead-letter table with its reason and raw text while every valid line of
/// the same file still applies. Every applied change is appended to the change feed, every applied or stale
/// event to the event ledger, and per-source counters (with seq gaps) to `source_state`.
public struct EventImporter: Sendable {
    public let mirror: Mirror

    public init(mirror: Mirror) { self.mirror = mirror }

    /// Reads the whole handle (a file or standard input) and imports its lines.
    @discardableResult
    public func importEvents(from handle: FileHandle, name: String) throws -> ImportSummary {
        try importEvents(from: handle.readDataToEndOfFile(), name: name)
    }

    /// The longest event line accepted; a longer one is dead-lettered (its raw text clipped) so that one
    /// runaway producer cannot fill the mirror.
    public static let maxLineBytes = 1 << 20

    /// Imports the lines of `data` in one transaction; `name` is the file name used in problems and dead letters.
    /// `beforeCommit` runs inside that transaction once every line was handled (the drop folder records the
    /// file in its ledger there, so that the file's import and its record commit together).
    ///
    /// When the mirror refuses a write of a chunk applied in one go (`EventBatch.Refused`), the transaction is
    /// rolled back and the file imported again with that chunk applied one event at a time.
    @discardableResult
    public func importEvents(from data: Data, name: String,
                             beforeCommit: ((Database, ImportSummary) throws -> Void)? = nil) throws -> ImportSummary {
        let started = ChangeFeed.now()
        var refused: Set<Int> = []
        while true {
            do {
                return try importEvents(from: data, name: name, started: started, refusedChunks: refused, beforeCommit: beforeCommit)
            } catch let refusal as EventBatch.Refused {
                // Each attempt adds a chunk to the slow ones, which never refuse: this ends.
                refused.insert(refusal.chunk)
            }
        }
    }

    private func importEvents(from data: Data, name: String, started: String, refusedChunks: Set<Int>,
                              beforeCommit: ((Database, ImportSummary) throws -> Void)?) throws -> ImportSummary {
        // A file's pages stay in memory until it commits, rather than spilling to the WAL and being read back.
        try mirror.db.write { db in try Mirror.withCache(atLeast: 65_536, db) {
            var batch = try EventBatch(db: db, file: name, statements: mirror.importStatements.statements(for: db))
            batch.refusedChunks = refusedChunks
            let lines = Self.lines(of: data)
            try LineDecoder(data: data, lines: lines, file: name).forEachChunk { chunk in try batch.apply(chunk) }
            let sawEvent = !lines.isEmpty
            var summary = batch.summary
            if !sawEvent {
                summary.rejected += 1
                summary.problems.append(ImportProblem(file: name, message: "the file is empty; expected one JSON event a line"))
            }
            try db.executeCached(sql: """
                INSERT INTO import_run(path, kind, started_at, finished_at, applied, duplicate, stale, rejected)
                VALUES (?, 'events', ?, ?, ?, ?, ?, ?)
                """, arguments: [name, started, ChangeFeed.now(), summary.applied, summary.duplicate, summary.stale, summary.rejected])
            // Decided lines this import invalidates are marked "needs re-check" in the same transaction.
            try Invalidation.apply(db, now: Timestamp(seconds: Date().timeIntervalSince1970))
            try beforeCommit?(db, summary)
            return summary
        } }
    }

    /// Applies one raw event line on its own (the dead-letter retry uses it). A rejected line is not written to
    /// the dead-letter table again: the caller keeps its existing entry.
    public func apply(rawLine: String, file: String, line: Int? = nil) throws -> EventOutcome {
        try mirror.db.write { db in
            var session = EventSession(db: db, file: file)
            return try session.apply(raw: rawLine, line: line)
        }
    }

    /// The lines of `data` that hold more than white space: 1-based number and byte range without the newline
    /// (nor a carriage return before it).
    static func lines(of data: Data) -> [(number: Int, range: Range<Int>)] {
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            guard let base = buffer.baseAddress else { return [] }
            var out: [(number: Int, range: Range<Int>)] = []
            var lineNo = 0
            var start = 0
            while start < buffer.count {
                lineNo += 1
                let rest = buffer.count - start
                let end = memchr(base + start, 0x0A, rest).map { base.distance(to: UnsafeRawPointer($0)) } ?? buffer.count
                var stop = end
                if stop > start, buffer[stop - 1] == 13 { stop -= 1 }
                if buffer[start..<stop].contains(where: { $0 != 32 && $0 != 9 && $0 != 13 }) {
                    out.append((lineNo, start..<stop))
                }
                start = end + 1
            }
            return out
        }
    }
}

/// The state of one import while it applies lines: the transaction, the file, the seq gaps seen.
struct EventSession {
    let db: Database
    let file: String
    var gaps: [String] = []
    /// The source of the line being applied, once its envelope was read (for dead letters).
    var lastSource: String?
    let now = ChangeFeed.now()

    init(db: Database, file: String) { self.db = db; self.file = file }

    mutating func apply(raw: String, line: Int?) throws -> EventOutcome {
        lastSource = nil
        let event: Event
        do { event = try Event(raw: raw, file: file, line: line) } catch let problem as ImportProblem {
            return .rejected(problem)
        }
        lastSource = event.source
        if try Bool.fetchOne(db, cachedSQL: "SELECT EXISTS (SELECT 1 FROM event_ledger WHERE event_id = ?)", arguments: [event.id]) == true {
            try count(event.source, "duplicate")
            return .duplicate
        }
        try trackSeq(event)
        let applier = EventApplier(db: db, event: event, file: file, line: line)
        let entity: String
        do { entity = try applier.entity() } catch let problem as ImportProblem {
            try count(event.source, "rejected")
            return .rejected(problem)
        }
        let applied = try Int64.fetchOne(db, cachedSQL: "SELECT seq FROM entity_version WHERE source = ? AND entity = ?",
                                          arguments: [event.source, entity])
        if let applied, event.seq <= applied {
            try ledger(event, entity: entity, outcome: "stale")
            try count(event.source, "stale")
            return .stale
        }
        var outcome: EventOutcome = .duplicate
        do {
            try db.inSavepoint {
                outcome = .applied(try applier.apply(at: now))
                return .commit
            }
        } catch let problem as ImportProblem {
            try count(event.source, "rejected")
            return .rejected(problem)
        } catch let error as DatabaseError {
            try count(event.source, "rejected")
            return .rejected(ImportProblem(file: file, line: line, message: "the mirror refused it: \(error.message ?? "\(error)")"))
        }
        try db.executeCached(sql: """
            INSERT INTO entity_version(source, entity, seq) VALUES (?, ?, ?)
            ON CONFLICT(source, entity) DO UPDATE SET seq = excluded.seq
            """, arguments: [event.source, entity, event.seq])
        try ledger(event, entity: entity, outcome: "applied")
        try count(event.source, "applied", lastEventAt: event.at)
        return outcome
    }

    /// Notes the event's seq for its source, reporting a gap when seqs were skipped.
    mutating func trackSeq(_ event: Event) throws {
        let last = try Int64.fetchOne(db, cachedSQL: "SELECT last_seq FROM source_state WHERE source = ?", arguments: [event.source])
        if let last, event.seq > last + 1 {
            let missing = event.seq - last - 1
            gaps.append("\(event.source): seq \(event.seq) after \(last) (\(missing) missing)")
            try db.executeCached(sql: "UPDATE source_state SET gaps = gaps + 1 WHERE source = ?", arguments: [event.source])
        }
        try db.executeCached(sql: """
            INSERT INTO source_state(source, last_seq, received) VALUES (?, ?, 1)
            ON CONFLICT(source) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq), received = received + 1
            """, arguments: [event.source, event.seq])
    }

    func count(_ source: String, _ column: String, lastEventAt: String? = nil) throws {
        try db.executeCached(sql: """
            INSERT INTO source_state(source, \(column)) VALUES (?, 1)
            ON CONFLICT(source) DO UPDATE SET \(column) = \(column) + 1
            """, arguments: [source])
        if let lastEventAt {
            try db.executeCached(sql: """
                UPDATE source_state SET last_event_at = CASE WHEN last_event_at IS NULL OR last_event_at < ? THEN ? ELSE last_event_at END,
                  last_applied_at = ? WHERE source = ?
                """, arguments: [lastEventAt, lastEventAt, now, source])
        }
    }

    func ledger(_ event: Event, entity: String, outcome: String) throws {
        // (`trackSeq` made the source's row.)
        var seqs = try SeqGaps.load(event.source, db)
        try seqs.record(event.seq, source: event.source, db)
        try seqs.store(event.source, db)
        try db.executeCached(sql: """
            INSERT INTO event_ledger(event_id, source, seq, type, entity, at, applied_at, outcome, file) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [event.id, event.source, event.seq, event.type, entity, event.at, now, outcome, file])
    }

    /// Keeps a rejected line for a person to fix and retry; the same raw line already waiting there is not added twice.
    func deadLetter(_ problem: ImportProblem, raw: String, source: String?) throws {
        if try Bool.fetchOne(db, cachedSQL: "SELECT EXISTS (SELECT 1 FROM dead_letter WHERE raw = ? AND status = 'open')", arguments: [raw]) == true {
            return
        }
        try db.executeCached(sql: """
            INSERT INTO dead_letter(source, file, line, reason, raw, received_at) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [source, file, problem.line, problem.reason, raw, now])
    }
}

extension ImportProblem {
    /// The problem without its file and line: what the dead-letter table keeps as the reason.
    public var reason: String {
        var s = ""
        if let field { s += "field '\(field)': " }
        if let value { s += "value '\(ImportProblem.clip(value))': " }
        return s + message
    }
}

extension Database {
    /// Runs a statement through the cache of prepared statements: an event import runs the same few statements
    /// for every line.
    func executeCached(sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}

extension DatabaseValueConvertible where Self: StatementColumnConvertible {
    static func fetchOne(_ db: Database, cachedSQL sql: String, arguments: StatementArguments = StatementArguments()) throws -> Self? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }
    static func fetchAll(_ db: Database, cachedSQL sql: String, arguments: StatementArguments = StatementArguments()) throws -> [Self] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }
}

extension Row {
    static func fetchOne(_ db: Database, cachedSQL sql: String, arguments: StatementArguments = StatementArguments()) throws -> Row? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }
    static func fetchAll(_ db: Database, cachedSQL sql: String, arguments: StatementArguments = StatementArguments()) throws -> [Row] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }
}
