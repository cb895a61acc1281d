import Foundation
import GRDB
import AllotCore

/// What a batch of events shares while it applies: references known to exist, upsert statements already
/// written, and the change-feed rows waiting to be written with the batch.
final class ApplyContext {
    var known: [SnapshotLayout.Entity: Set<String>] = [:]
    let statements: FastStatements
    var feed: [ChangeFeed.Row] = []

    init(_ db: Database) { statements = FastStatements(db) }

    /// Forgets what a rolled-back chunk may have taught (a reference it created no longer exists).
    func reset() { known = [:]; feed = [] }
}

/// Applies the events of one file in chunks, inside the file's transaction, with the same outcomes as applying
/// them one by one (`EventSession`).
///
/// Per chunk it reads in one statement each which event ids are already in the ledger and which seq each
/// touched (source, entity) has reached, keeps the per-source counters in memory, and writes the ledger,
/// change-feed and version rows many to a statement. No savepoint per event is needed: an event is checked
/// completely before it writes anything (`EventApplier` throws its `ImportProblem` before its first write), so a
/// bad event never has to be rolled back. Should the mirror still refuse a write (a constraint the checks do
/// not know about), the chunk is rolled back to its own savepoint and applied again one event at a time, each
/// in a savepoint, exactly as before.
struct EventBatch {
    let db: Database
    let file: String
    let now = ChangeFeed.now()
    let context: ApplyContext
    var summary = ImportSummary()
    /// Chunks that fell back to one event at a time (for tests and logs).
    var slowChunks = 0

    static let chunkSize = 4096

    init(db: Database, file: String) { self.db = db; self.file = file; context = ApplyContext(db) }

    /// One line of the file, read and checked as far as it can be without the mirror.
    enum Decoded: Sendable {
        case rejected(ImportProblem, raw: String)
        case event(Event, raw: String, line: Int)
    }

    /// Per-source counters of a chunk, added to `source_state` when the chunk is written.
    struct Tally {
        var lastSeq: Int64?
        var received = 0, applied = 0, duplicate = 0, stale = 0, rejected = 0, gaps = 0
        var lastEventAt: String?
    }

    /// Reads one line (without the newline) as far as it can be read without the mirror.
    static func decode(_ bytes: UnsafeRawBufferPointer, line: Int, file: String) -> Decoded {
        guard bytes.count <= EventImporter.maxLineBytes else {
            let problem = ImportProblem(file: file, line: line,
                message: "is \(bytes.count) bytes long, more than the \(EventImporter.maxLineBytes) an event line may have")
            return .rejected(problem, raw: String(decoding: bytes.prefix(4096), as: UTF8.self) + "… (clipped: \(bytes.count) bytes)")
        }
        guard let raw = String(validating: bytes.assumingMemoryBound(to: UInt8.self), as: UTF8.self) else {
            return .rejected(ImportProblem(file: file, line: line, message: "is not UTF-8 text"), raw: String(decoding: bytes, as: UTF8.self))
        }
        do { return .event(try Event(raw: raw, file: file, line: line), raw: raw, line: line) } catch let problem as ImportProblem {
            return .rejected(problem, raw: raw)
        } catch {
            return .rejected(ImportProblem(file: file, line: line, message: "\(error)"), raw: raw)
        }
    }

    /// Applies one chunk of decoded lines, in order.
    mutating func apply(_ lines: [Decoded]) throws {
        var chunkSummary = ImportSummary()
        do {
            try db.inSavepoint {
                chunkSummary = try applyFast(lines)
                return .commit
            }
        } catch is DatabaseError {
            // The mirror refused a write the checks let through: redo the chunk one event at a time.
            context.reset()
            slowChunks += 1
            chunkSummary = try applySlow(lines)
        }
        summary.add(chunkSummary)
    }

    private func applyFast(_ lines: [Decoded]) throws -> ImportSummary {
        var s = ImportSummary()
        context.feed.removeAll(keepingCapacity: true)
        var events: [Event] = []
        for case .event(let e, _, _) in lines { events.append(e) }
        var seen = try Set(String.fetchAll(db, cachedSQL: """
            SELECT l.event_id FROM json_each(?) j JOIN event_ledger l ON l.event_id = j.value
            """, arguments: [Self.jsonArray(events.map(\.id))]))
        var entities: [String?] = []
        entities.reserveCapacity(events.count)
        for e in events { entities.append(try? EventApplier(db: db, event: e, file: file, line: nil).entity()) }
        var versions: [String: Int64] = [:]
        let pairs = zip(events, entities).compactMap { e, entity in entity.map { [e.source, $0] } }
        for r in try Row.fetchAll(db, cachedSQL: """
            SELECT v.source, v.entity, v.seq FROM json_each(?) j
            JOIN entity_version v ON v.source = json_extract(j.value, '$[0]') AND v.entity = json_extract(j.value, '$[1]')
            """, arguments: [Self.jsonArray(pairs)]) {
            versions[Self.versionKey(r[0], r[1])] = r[2]
        }
        var dirty: [String: (source: String, entity: String)] = [:]
        var tallies: [String: Tally] = [:]
        var ledger: [DatabaseValue] = []
        ledger.reserveCapacity(events.count * 9)
        var k = -1
        for decoded in lines {
            let event: Event, raw: String, lineNo: Int
            switch decoded {
            case .rejected(let problem, let text):
                try deadLetter(problem, raw: text, source: nil)
                s.rejected += 1; s.problems.append(problem)
                continue
            case .event(let e, let text, let n):
                event = e; raw = text; lineNo = n; k += 1
            }
            var tally = try tallies[event.source] ?? Tally(lastSeq: lastSeq(of: event.source))
            defer { tallies[event.source] = tally }
            if seen.contains(event.id) { tally.duplicate += 1; s.duplicate += 1; continue }
            // The seq track, as `EventSession.trackSeq` keeps it.
            if let last = tally.lastSeq, event.seq > last + 1 {
                s.gaps.append("\(event.source): seq \(event.seq) after \(last) (\(event.seq - last - 1) missing)")
                tally.gaps += 1
            }
            tally.lastSeq = max(tally.lastSeq ?? event.seq, event.seq)
            tally.received += 1
            let applier = EventApplier(db: db, event: event, file: file, line: lineNo, context: context)
            guard let entity = entities[k] else {
                let problem: ImportProblem
                do { _ = try applier.entity(); problem = ImportProblem(file: file, line: lineNo, message: "has no entity") } catch let p as ImportProblem {
                    problem = p
                }
                tally.rejected += 1
                try deadLetter(problem, raw: raw, source: event.source)
                s.rejected += 1; s.problems.append(problem)
                continue
            }
            let key = Self.versionKey(event.source, entity)
            if let applied = versions[key], event.seq <= applied {
                appendLedger(event, entity: entity, outcome: "stale", to: &ledger)
                seen.insert(event.id)
                tally.stale += 1; s.stale += 1
                continue
            }
            let changes: ChangeSet
            do { changes = try applier.apply(at: now) } catch let problem as ImportProblem {
                tally.rejected += 1
                try deadLetter(problem, raw: raw, source: event.source)
                s.rejected += 1; s.problems.append(problem)
                continue
            }
            versions[key] = event.seq
            dirty[key] = (event.source, entity)
            appendLedger(event, entity: entity, outcome: "applied", to: &ledger)
            seen.insert(event.id)
            tally.applied += 1
            if tally.lastEventAt == nil || tally.lastEventAt! < event.at { tally.lastEventAt = event.at }
            s.applied += 1; s.changes.formUnion(changes)
        }
        try MultiRowInsert(table: "event_ledger", columns: ["event_id", "source", "seq", "type", "entity", "at", "applied_at", "outcome", "file"])
            .insert(db, flat: ledger)
        try ChangeFeed.append(db, rows: context.feed)
        context.feed.removeAll(keepingCapacity: true)
        try MultiRowInsert(table: "entity_version", columns: ["source", "entity", "seq"],
                           suffix: "ON CONFLICT(source, entity) DO UPDATE SET seq = excluded.seq")
            .insert(db, dirty.sorted { $0.key < $1.key }.map { key, v in [v.source.databaseValue, v.entity.databaseValue, versions[key]!.databaseValue] })
        for (source, t) in tallies.sorted(by: { $0.key < $1.key }) { try write(t, source: source) }
        return s
    }

    /// The chunk again, one event at a time, each in its own savepoint (`EventSession`).
    private func applySlow(_ lines: [Decoded]) throws -> ImportSummary {
        var s = ImportSummary()
        var session = EventSession(db: db, file: file)
        for decoded in lines {
            switch decoded {
            case .rejected(let problem, let raw):
                try session.deadLetter(problem, raw: raw, source: nil)
                s.rejected += 1; s.problems.append(problem)
            case .event(_, let raw, let line):
                switch try session.apply(raw: raw, line: line) {
                case .applied(let changes): s.applied += 1; s.changes.formUnion(changes)
                case .duplicate: s.duplicate += 1
                case .stale: s.stale += 1
                case .rejected(let problem):
                    try session.deadLetter(problem, raw: raw, source: session.lastSource)
                    s.rejected += 1; s.problems.append(problem)
                }
            }
        }
        s.gaps = session.gaps
        return s
    }

    private func lastSeq(of source: String) throws -> Int64? {
        try Int64.fetchOne(db, cachedSQL: "SELECT last_seq FROM source_state WHERE source = ?", arguments: [source])
    }

    private func write(_ t: Tally, source: String) throws {
        try db.executeCached(sql: """
            INSERT INTO source_state(source, last_seq, received, applied, duplicate, stale, rejected, gaps, last_event_at, last_applied_at)
            VALUES (?, coalesce(?, 0), ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(source) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq),
              received = received + excluded.received, applied = applied + excluded.applied,
              duplicate = duplicate + excluded.duplicate, stale = stale + excluded.stale,
              rejected = rejected + excluded.rejected, gaps = gaps + excluded.gaps,
              last_event_at = CASE WHEN excluded.last_event_at IS NULL THEN last_event_at
                                   WHEN last_event_at IS NULL OR last_event_at < excluded.last_event_at THEN excluded.last_event_at
                                   ELSE last_event_at END,
              last_applied_at = coalesce(excluded.last_applied_at, last_applied_at)
            """, arguments: [source, t.lastSeq, t.received, t.applied, t.duplicate, t.stale, t.rejected, t.gaps,
                             t.lastEventAt, t.applied > 0 ? now : nil])
    }

    private func appendLedger(_ e: Event, entity: String, outcome: String, to values: inout [DatabaseValue]) {
        values.append(e.id.databaseValue); values.append(e.source.databaseValue); values.append(e.seq.databaseValue)
        values.append(e.type.databaseValue); values.append(entity.databaseValue); values.append(e.at.databaseValue)
        values.append(now.databaseValue); values.append(outcome.databaseValue); values.append(file.databaseValue)
    }

    private func deadLetter(_ problem: ImportProblem, raw: String, source: String?) throws {
        try EventSession(db: db, file: file).deadLetter(problem, raw: raw, source: source)
    }

    static func versionKey(_ source: String, _ entity: String) -> String { source + "\u{1F}" + entity }

    /// A JSON array of strings (or of arrays of strings), for `json_each`.
    static func jsonArray(_ items: [String]) -> String {
        var out = "["
        for (i, s) in items.enumerated() { if i > 0 { out += "," }; quote(s, into: &out) }
        return out + "]"
    }

    static func jsonArray(_ items: [[String]]) -> String {
        var out = "["
        for (i, pair) in items.enumerated() {
            if i > 0 { out += "," }
            out += "["
            for (j, s) in pair.enumerated() { if j > 0 { out += "," }; quote(s, into: &out) }
            out += "]"
        }
        return out + "]"
    }

    static func quote(_ s: String, into out: inout String) { PlanJSON.string(s, into: &out) }
}
