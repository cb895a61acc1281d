import GRDB

/// The event-ledger columns of a chunk's events (id, source, seq, type, entity, at), laid out by the decoder: the
/// text ones as UTF-8 in one buffer, so that the writer binds them to the ledger insert as pointers
/// (`FastStatement.bind(static:)`) rather than as strings it must retain, copy into SQLite and release.
///
/// Binding the ledger's seven values per event that way was a third of writing the ledger, itself a fifth of the
/// writer's time; laying the columns out costs the decoder, on the other core, a copy of each.
struct LedgerText: Sendable {
    /// The text columns, in the ledger's order.
    enum Column: Int, CaseIterable { case id, source, type, entity, at }

    private var bytes: [UInt8] = []
    /// Per line and text column, where its text ends in `bytes` (it starts where the one before ends).
    private var ends: [Int32] = []
    /// Per line, the event's seq.
    private var seqs: [Int64] = []

    init(capacity lines: Int) {
        bytes.reserveCapacity(lines * 80)
        ends.reserveCapacity(lines * Column.allCases.count)
        seqs.reserveCapacity(lines)
    }

    /// Adds the next line: an event's columns, or nothing for a line that never reaches the ledger (not an event,
    /// or no entity).
    mutating func append(_ event: Event?, entity: String?) {
        if let event, let entity {
            add(event.id); add(event.source); add(event.type); add(entity); add(event.at)
            seqs.append(event.seq)
        } else {
            for _ in Column.allCases { ends.append(Int32(bytes.count)) }
            seqs.append(0)
        }
    }

    private mutating func add(_ text: String) {
        bytes.append(contentsOf: text.utf8)
        ends.append(Int32(bytes.count))
    }

    /// Calls `body` with a reader of the columns, valid only inside it.
    func withColumns<T>(_ body: (Reader) throws -> T) rethrows -> T {
        try bytes.withUnsafeBytes { base in try body(Reader(base: base, ends: ends, seqs: seqs)) }
    }

    /// The columns of each line, read in place.
    struct Reader {
        let base: UnsafeRawBufferPointer
        let ends: [Int32]
        let seqs: [Int64]

        func text(_ line: Int, _ column: Column) -> UnsafeRawBufferPointer {
            let k = line * Column.allCases.count + column.rawValue
            let start = k == 0 ? 0 : Int(ends[k - 1])
            return UnsafeRawBufferPointer(rebasing: base[start..<Int(ends[k])])
        }

        func seq(_ line: Int) -> Int64 { seqs[line] }
    }
}

extension EventBatch {
    /// Writes the chunk's ledger rows: `rows` holds, per row in order, its line's index times two, plus one when
    /// the event was stale rather than applied.
    func writeLedger(_ rows: [Int32], of chunk: Chunk) throws {
        let insert = MultiRowInsert(table: "event_ledger", columns: ["event_id", "source", "seq", "type", "entity", "at", "outcome"],
                                    shared: [("applied_at", now.databaseValue), ("file", file.databaseValue)])
        try chunk.ledgerText.withColumns { columns in
            try insert.insert(db, rows: rows.count, statements: context.statements, key: 1000) { statement, r in
                let line = Int(rows[r] >> 1)
                statement.bind(static: columns.text(line, .id))
                statement.bind(static: columns.text(line, .source))
                statement.bind(columns.seq(line))
                statement.bind(static: columns.text(line, .type))
                statement.bind(static: columns.text(line, .entity))
                statement.bind(static: columns.text(line, .at))
                statement.bind(static: rows[r] & 1 == 0 ? "applied" : "stale")
            }
        }
    }
}
