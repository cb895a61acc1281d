import GRDB

/// The seqs of a source that never reached the event ledger, kept as ranges (`seq_gap`) as events are recorded, so
/// that the health view reads them at once instead of counting every ledger entry.
///
/// For each source, `source_state` holds the least and greatest seq in the ledger; `seq_gap` holds the ranges in
/// between that no ledger entry has. A seq past the greatest adds the range it skipped; one before the least adds the
/// range up to it; one in between that falls in a range splits it (a late event filled it); anything else was
/// recorded before. The sum of the ranges equals what counting the ledger gives: max - min + 1 - distinct seqs.
///
/// Events mostly come in order, so a recorded event mostly moves the greatest seq by one in memory; the table is
/// written only at gaps and late events. This replaced an index on the ledger by (source, seq), which every event
/// paid for (a third of writing the ledger) and only the health view's count read.
struct SeqGaps {
    /// The least and greatest seq of a source in the ledger (nil: none yet).
    var range: (min: Int64, max: Int64)?

    /// Takes in one seq being recorded in the ledger for `source`, adding or splitting ranges in `db`.
    mutating func record(_ seq: Int64, source: String, _ db: Database) throws {
        guard let r = range else { range = (seq, seq); return }
        if seq > r.max {
            if seq > r.max + 1 { try Self.insert(source, r.max + 1, seq - 1, db) }
            range = (r.min, seq)
        } else if seq < r.min {
            if seq < r.min - 1 { try Self.insert(source, seq + 1, r.min - 1, db) }
            range = (seq, r.max)
        } else if seq > r.min && seq < r.max {
            // A late event: the range holding its seq, if any, loses it.
            guard let gap = try Row.fetchOne(db, cachedSQL: """
                SELECT first, last FROM seq_gap WHERE source = ? AND first <= ? ORDER BY first DESC LIMIT 1
                """, arguments: [source, seq]) else { return }
            let (first, last): (Int64, Int64) = (gap[0], gap[1])
            guard last >= seq else { return }
            try db.executeCached(sql: "DELETE FROM seq_gap WHERE source = ? AND first = ?", arguments: [source, first])
            if first < seq { try Self.insert(source, first, seq - 1, db) }
            if seq < last { try Self.insert(source, seq + 1, last, db) }
        }
    }

    private static func insert(_ source: String, _ first: Int64, _ last: Int64, _ db: Database) throws {
        try db.executeCached(sql: "INSERT INTO seq_gap(source, first, last) VALUES (?, ?, ?)", arguments: [source, first, last])
    }

    /// The source's range as `source_state` holds it.
    static func load(_ source: String, _ db: Database) throws -> SeqGaps {
        let row = try Row.fetchOne(db, cachedSQL: "SELECT ledger_min_seq, ledger_max_seq FROM source_state WHERE source = ?",
                                   arguments: [source])
        guard let row, let min: Int64 = row[0], let max: Int64 = row[1] else { return SeqGaps() }
        return SeqGaps(range: (min, max))
    }

    /// Stores the source's range (its `source_state` row exists).
    func store(_ source: String, _ db: Database) throws {
        try db.executeCached(sql: "UPDATE source_state SET ledger_min_seq = ?, ledger_max_seq = ? WHERE source = ?",
                             arguments: [range?.min, range?.max, source])
    }

    /// Per source, the seqs missing between its least and greatest in the ledger.
    static func missing(_ db: Database) throws -> [String: Int64] {
        var out: [String: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT source, sum(last - first + 1) FROM seq_gap GROUP BY source") { out[row[0]] = row[1] }
        return out
    }

    /// The migration from the ledger's (source, seq) index: ranges and bounds worked out from the ledger once.
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE seq_gap (
              source TEXT NOT NULL,
              first INTEGER NOT NULL,
              last INTEGER NOT NULL CHECK (last >= first),
              PRIMARY KEY (source, first)
            ) STRICT, WITHOUT ROWID;
            ALTER TABLE source_state ADD COLUMN ledger_min_seq INTEGER;
            ALTER TABLE source_state ADD COLUMN ledger_max_seq INTEGER;
            INSERT INTO source_state(source) SELECT DISTINCT source FROM event_ledger WHERE source NOT IN (SELECT source FROM source_state);
            UPDATE source_state SET
              ledger_min_seq = (SELECT min(seq) FROM event_ledger l WHERE l.source = source_state.source),
              ledger_max_seq = (SELECT max(seq) FROM event_ledger l WHERE l.source = source_state.source);
            INSERT INTO seq_gap(source, first, last)
              SELECT source, previous + 1, seq - 1 FROM (
                SELECT source, seq, lag(seq) OVER (PARTITION BY source ORDER BY seq) AS previous
                FROM (SELECT DISTINCT source, seq FROM event_ledger))
              WHERE previous IS NOT NULL AND seq > previous + 1;
            DROP INDEX IF EXISTS event_ledger_source_seq;
            """)
    }
}
