import Foundation
import GRDB
import AllotCore

/// What a batch of events shares while it applies: references known to exist, prepared statements, the stock
/// positions of the chunk, and the change-feed rows waiting to be written with the batch.
final class ApplyContext {
    /// References known to exist, per entity (`knownSlot`): an array rather than a dictionary, whose key, a
    /// string-valued enum, was hashed as its text on every check.
    var known = [Set<String>](repeating: [], count: 4)
    let statements: FastStatements
    /// Nil when the mirror has triggers on `inventory`: then each event writes its position itself.
    let stock: StockPositions?
    /// Nil when the mirror has triggers on `sales_order` or `order_line`: then each event reads the rows itself.
    let orders: OrderRows?
    /// Nil when the mirror has other triggers on `receipt` than the eta history's: then each event writes its receipt.
    let receipts: ReceiptRows?
    var feed: [ChangeFeed.Row] = []
    /// The skus and orders the batch's events changed since the chunk began (`EventApplier.apply`).
    var changes = ChangeSet()
    /// The feed entries this file has written so far.
    private var fed: Set<ChangeFeed.Key> = []

    init(_ db: Database, statements: FastStatements? = nil) throws {
        self.statements = statements ?? FastStatements(db)
        stock = try Self.hasTriggers(on: ["inventory"], db) ? nil : StockPositions(statements: self.statements)
        orders = try Self.hasTriggers(on: ["sales_order", "order_line"], db) ? nil : OrderRows()
        receipts = try ReceiptRows.fits(db) ? ReceiptRows(statements: self.statements) : nil
    }

    /// True when one of `tables` has a trigger: what the batch holds in memory for such a table could differ from
    /// what the trigger writes, or the trigger see fewer writes than it expects.
    static func hasTriggers(on tables: [String], _ db: Database) throws -> Bool {
        for master in ["sqlite_master", "sqlite_temp_master"] {
            let sql = "SELECT EXISTS (SELECT 1 FROM \(master) WHERE type = 'trigger' AND tbl_name IN (\(tables.map { "'\($0)'" }.joined(separator: ", "))))"
            if try Bool.fetchOne(db, sql: sql) == true { return true }
        }
        return false
    }

    /// The index of `entity`'s set in `known`.
    static func knownSlot(_ entity: SnapshotLayout.Entity) -> Int {
        switch entity {
        case .warehouse: return 0
        case .item: return 1
        case .customer: return 2
        case .order: return 3
        }
    }

    /// Buffers a feed row unless the file already has one for the same source, kind, sku and order.
    ///
    /// The feed says what moved, for the re-plan and for invalidation, which read it as a set: a file that
    /// adjusts one position a thousand times needs one row for it, not a thousand (the first one's detail is
    /// kept). Writing every repetition was most of the feed's cost and made each reader wade through them.
    func append(_ key: ChangeFeed.Key, _ row: () -> ChangeFeed.Row) {
        if fed.insert(key).inserted { feed.append(row()) }
    }

}

/// Applies the events of one file in chunks, inside the file's transaction, with the same outcomes as applying
/// them one by one (`EventSession`), except that the change feed gets one row per change a file makes (see
/// `ApplyContext.append`).
///
/// Per chunk it reads in one statement each which event ids are already in the ledger and which seq each
/// touched (source, entity) has reached, keeps the per-source counters in memory, and writes the ledger,
/// change-feed and version rows many to a statement. No savepoint is needed, per event nor per chunk: an event is
/// checked completely before it writes anything (`EventApplier` throws its `ImportProblem` before its first
/// write), so a bad event never has to be rolled back. Should the mirror still refuse a write (a constraint the
/// checks do not know about), `apply` throws `Refused`; the importer rolls the file's transaction back and
/// imports the file again with that chunk applied one event at a time, each in a savepoint (`EventSession`).
///
/// Why not a savepoint per chunk: while one is open, SQLite keeps every page the chunk touched in its in-memory
/// statement journal, and each write statement's own statement journal is cut back at its end by walking that
/// journal from its start; with thousands of statements a chunk, that walk was a tenth of the import.
struct EventBatch {
    let db: Database
    let file: String
    let now = ChangeFeed.now()
    let context: ApplyContext
    var summary = ImportSummary()
    /// The chunks (numbered from 0 in the file) to apply one event at a time: the mirror refused a write of
    /// theirs when they were applied in one go.
    var refusedChunks: Set<Int> = []
    /// Chunks that were applied one event at a time (for tests and logs).
    var slowChunks = 0
    /// The number of the next chunk.
    private var chunkNumber = 0

    /// The mirror refused a write of chunk `chunk` although its events passed the checks. What the chunk had
    /// written is not rolled back here: the caller must roll back the transaction (and may import again with
    /// the chunk in `refusedChunks`).
    struct Refused: Error {
        var chunk: Int
        var error: DatabaseError
    }

    static let chunkSize = 4096

    /// `statements`: prepared ones to use (and add to), as `Mirror.importStatements` keeps them from file to file.
    init(db: Database, file: String, statements: FastStatements? = nil) throws {
        self.db = db; self.file = file; context = try ApplyContext(db, statements: statements)
    }

    /// One line of the file, read and checked as far as it can be without the mirror.
    enum Decoded: Sendable {
        /// A line that is not an event; `source` is its envelope's source when that much could be read (an unknown
        /// type, a missing seq), so the dead letter shows under its source in the health view.
        case rejected(ImportProblem, raw: String, source: String? = nil)
        /// An event with its entity (nil when its key fields are missing: the applier names the problem) and its
        /// main columns parsed (`EventApplier.spec(of:)`), or the problem parsing them found.
        case event(Line)
    }

    /// An event line as the decoder read it: the event with its entity (nil when its key fields are missing: the
    /// applier names the problem) and its main columns parsed (`EventApplier.spec(of:)`), or the problem parsing
    /// them found. A class, so that the writer takes each line by one reference rather than copying its fields.
    final class Line: Sendable {
        let event: Event
        let raw: String
        let number: Int
        let entity: String?
        let cells: Result<Cells, ImportProblem>?

        init(_ event: Event, raw: String, number: Int, entity: String?, cells: Result<Cells, ImportProblem>?) {
            self.event = event; self.raw = raw; self.number = number; self.entity = entity; self.cells = cells
        }
    }

    /// Per-source counters of a chunk, added to `source_state` when the chunk is written.
    struct Tally {
        var lastSeq: Int64?
        var received = 0, applied = 0, duplicate = 0, stale = 0, rejected = 0, gaps = 0
        var lastEventAt: String?
        /// The seqs the source has in the ledger, as its events are recorded.
        var ledgerSeqs = SeqGaps()
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
        do {
            let event = try Event(raw: raw, file: file, line: line)
            var cells = EventApplier.spec(of: event.type).map { spec in
                Result { () throws(ImportProblem) in try EventApplier.cells(spec, event.data, file: file, line: line) }
            }
            if event.type == "order.upserted", case .success(var header)? = cells {
                let id = EventApplier.text(header, "order_id")
                header.lines = EventApplier.parseLines(event.data, orderID: id, file: file, line: line)
                cells = .success(header)
            }
            return .event(Line(event, raw: raw, number: line, entity: try? event.entity(file: file, line: line), cells: cells))
        } catch let problem as ImportProblem {
            return .rejected(problem, raw: raw, source: Event.readableSource(raw))
        } catch {
            return .rejected(ImportProblem(file: file, line: line, message: "\(error)"), raw: raw, source: Event.readableSource(raw))
        }
    }

    /// Applies one chunk of decoded lines, in order; throws `Refused` (leaving the chunk half written) when the
    /// mirror refuses a write of a chunk applied in one go.
    mutating func apply(_ chunk: Chunk) throws {
        let number = chunkNumber
        chunkNumber += 1
        if refusedChunks.contains(number) {
            slowChunks += 1
            // The chunk writes orders without the batch's rows in memory: those would be out of date.
            context.orders?.forget()
            summary.add(try applySlow(chunk.lines))
            return
        }
        do { summary.add(try applyFast(chunk)) } catch let error as DatabaseError {
            throw Refused(chunk: number, error: error)
        }
    }

    private func applyFast(_ chunk: Chunk) throws -> ImportSummary {
        var s = ImportSummary()
        let lines = chunk.lines
        // Per line: its id is in the ledger already; its event went to the ledger in this chunk (applied or stale).
        var inLedger = [Bool](repeating: false, count: lines.count), recorded = inLedger
        let ids = try context.statements.statement(BatchSQL.seenIDs.rawValue) { BatchSQL.seenIDs.sql }
        ids.bind(chunk.idsJSON)
        try ids.forEachRow { inLedger[Int($0.int64(0))] = true }
        // Per pair: the seq it has reached, and whether this chunk moved it.
        var versions = [Int64?](repeating: nil, count: chunk.pairs.count)
        var dirty = [Bool](repeating: false, count: chunk.pairs.count)
        let reached = try context.statements.statement(BatchSQL.versions.rawValue) { BatchSQL.versions.sql }
        reached.bind(chunk.pairsJSON)
        try reached.forEachRow { versions[Int($0.int64(0))] = $0.int64(1) }
        var tallies = [Tally?](repeating: nil, count: chunk.sources.count)
        // The ledger rows: line index times two, plus one for a stale event (`writeLedger`).
        var ledger: [Int32] = []
        ledger.reserveCapacity(lines.count)
        for (i, decoded) in lines.enumerated() {
            let line: Line
            switch decoded {
            case .rejected(let problem, let text, let source):
                if source != nil {
                    let n = Int(chunk.sourceOf[i])
                    var tally = try currentTally(of: chunk.sources[n], in: tallies[n])
                    tally.rejected += 1
                    tallies[n] = tally
                }
                try deadLetter(problem, raw: text, source: source)
                s.rejected += 1; s.problems.append(problem)
                continue
            case .event(let l):
                line = l
            }
            let event = line.event, raw = line.raw, lineNo = line.number
            let sourceNumber = Int(chunk.sourceOf[i])
            var tally = try currentTally(of: event.source, in: tallies[sourceNumber])
            defer { tallies[sourceNumber] = tally }
            if seen(i, inLedger, recorded, chunk.earlierSameID) { tally.duplicate += 1; s.duplicate += 1; continue }
            // The seq track, as `EventSession.trackSeq` keeps it.
            if let last = tally.lastSeq, event.seq > last + 1 {
                s.gaps.append("\(event.source): seq \(event.seq) after \(last) (\(event.seq - last - 1) missing)")
                tally.gaps += 1
            }
            tally.lastSeq = max(tally.lastSeq ?? event.seq, event.seq)
            tally.received += 1
            let applier = EventApplier(db: db, event: event, file: file, line: lineNo, context: context, parsed: line.cells)
            // The ledger takes the entity from the chunk's `ledgerText`, laid out from the same decoded line.
            guard line.entity != nil else {
                let problem: ImportProblem
                do { _ = try applier.entity(); problem = ImportProblem(file: file, line: lineNo, message: "has no entity") } catch let p as ImportProblem {
                    problem = p
                }
                tally.rejected += 1
                try deadLetter(problem, raw: raw, source: event.source)
                s.rejected += 1; s.problems.append(problem)
                continue
            }
            let pair = Int(chunk.pairOf[i])
            if let applied = versions[pair], event.seq <= applied {
                ledger.append(Int32(i) << 1 | 1)
                try tally.ledgerSeqs.record(event.seq, source: event.source, db)
                recorded[i] = true
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
            versions[pair] = event.seq
            dirty[pair] = true
            ledger.append(Int32(i) << 1)
            try tally.ledgerSeqs.record(event.seq, source: event.source, db)
            recorded[i] = true
            tally.applied += 1
            if tally.lastEventAt == nil || tally.lastEventAt! < event.at { tally.lastEventAt = event.at }
            s.applied += 1; s.changes.formUnion(changes)
        }
        s.changes.formUnion(context.changes)
        context.changes = ChangeSet()
        try context.stock?.write()
        try context.receipts?.write()
        try context.orders?.writeLines(context.statements)
        try writeLedger(ledger, of: chunk)
        try ChangeFeed.append(db, rows: context.feed, statements: context.statements)
        context.feed.removeAll(keepingCapacity: true)
        var moved: [DatabaseValue] = []
        for (pair, (source, entity)) in chunk.pairs.enumerated() where dirty[pair] {
            moved.append(source.databaseValue); moved.append(entity.databaseValue); moved.append(versions[pair]!.databaseValue)
        }
        try MultiRowInsert(table: "entity_version", columns: ["source", "entity", "seq"],
                           suffix: "ON CONFLICT(source, entity) DO UPDATE SET seq = excluded.seq")
            .insert(db, flat: moved, statements: context.statements, key: 3000)
        for n in chunk.sources.indices.sorted(by: { chunk.sources[$0] < chunk.sources[$1] }) {
            if let t = tallies[n] { try write(t, source: chunk.sources[n]) }
        }
        return s
    }

    /// True when line `i`'s event id is in the ledger, or an earlier line of the chunk with the same id went to it.
    private func seen(_ i: Int, _ inLedger: [Bool], _ recorded: [Bool], _ earlierSameID: [Int32]) -> Bool {
        if inLedger[i] { return true }
        var k = Int(earlierSameID[i])
        while k >= 0 {
            if recorded[k] { return true }
            k = Int(earlierSameID[k])
        }
        return false
    }

    /// The chunk again, one event at a time, each in its own savepoint (`EventSession`).
    private func applySlow(_ lines: [Decoded]) throws -> ImportSummary {
        var s = ImportSummary()
        var session = EventSession(db: db, file: file)
        for decoded in lines {
            switch decoded {
            case .rejected(let problem, let raw, let source):
                // Counted under the source it names, as the fast path counts it.
                if let source { try session.count(source, "rejected") }
                try session.deadLetter(problem, raw: raw, source: source)
                s.rejected += 1; s.problems.append(problem)
            case .event(let line):
                let raw = line.raw
                switch try session.apply(raw: raw, line: line.number) {
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

    /// The chunk's counters for `source` so far, or fresh ones starting from the seq the mirror has reached.
    private func currentTally(of source: String, in tally: Tally?) throws -> Tally {
        if let t = tally { return t }
        let row = try Row.fetchOne(db, cachedSQL: "SELECT last_seq, ledger_min_seq, ledger_max_seq FROM source_state WHERE source = ?",
                                   arguments: [source])
        var t = Tally(lastSeq: row?[0])
        if let row, let min: Int64 = row[1], let max: Int64 = row[2] { t.ledgerSeqs.range = (min, max) }
        return t
    }

    private func write(_ t: Tally, source: String) throws {
        try db.executeCached(sql: """
            INSERT INTO source_state(source, last_seq, received, applied, duplicate, stale, rejected, gaps, last_event_at, last_applied_at,
                                     ledger_min_seq, ledger_max_seq)
            VALUES (?, coalesce(?, 0), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(source) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq),
              ledger_min_seq = excluded.ledger_min_seq, ledger_max_seq = excluded.ledger_max_seq,
              received = received + excluded.received, applied = applied + excluded.applied,
              duplicate = duplicate + excluded.duplicate, stale = stale + excluded.stale,
              rejected = rejected + excluded.rejected, gaps = gaps + excluded.gaps,
              last_event_at = CASE WHEN excluded.last_event_at IS NULL THEN last_event_at
                                   WHEN last_event_at IS NULL OR last_event_at < excluded.last_event_at THEN excluded.last_event_at
                                   ELSE last_event_at END,
              last_applied_at = coalesce(excluded.last_applied_at, last_applied_at)
            """, arguments: [source, t.lastSeq, t.received, t.applied, t.duplicate, t.stale, t.rejected, t.gaps,
                             t.lastEventAt, t.applied > 0 ? now : nil, t.ledgerSeqs.range?.min, t.ledgerSeqs.range?.max])
    }

    private func deadLetter(_ problem: ImportProblem, raw: String, source: String?) throws {
        try EventSession(db: db, file: file).deadLetter(problem, raw: raw, source: source)
    }

    /// The batch lookups, one statement per chunk each.
    enum BatchSQL: Int {
        // Above `AppliedSQL`'s keys: both live in the same `FastStatements`.
        case seenIDs = 100, versions

        var sql: String {
            switch self {
            case .seenIDs: return "SELECT j.key FROM json_each(?) j JOIN event_ledger l ON l.event_id = j.value"
            case .versions: return """
                SELECT j.key, v.seq FROM json_each(?) j
                JOIN entity_version v ON v.source = json_extract(j.value, '$[0]') AND v.entity = json_extract(j.value, '$[1]')
                """
            }
        }
    }
}
