import Foundation
import GRDB
import AllotCore

/// A rejected input line kept for a person to fix and retry: why it was refused, where from, its raw text.
public struct DeadLetter: Hashable, Sendable, Codable {
    public var id: Int64
    public var source: String?
    public var file: String
    public var line: Int?
    public var reason: String
    public var raw: String
    public var receivedAt: String
    /// `open` until a retry applies it (or finds it already applied), then `resolved`.
    public var status: String
    public var retries: Int
    public var lastRetryAt: String?
    public var lastRetryResult: String?

    enum CodingKeys: String, CodingKey {
        case id, source, file, line, reason, raw, receivedAt = "received_at", status, retries,
             lastRetryAt = "last_retry_at", lastRetryResult = "last_retry_result"
    }
}

/// The outcome of retrying one dead letter.
public struct DeadLetterRetry: Hashable, Sendable {
    public var id: Int64
    /// True when the line is now applied (or was found applied already): the dead letter is resolved.
    public var resolved: Bool
    /// `applied`, `duplicate`, `stale`, or the reason it is still refused.
    public var result: String
    /// What the retry changed (for the re-plan).
    public var changes: ChangeSet
}

extension Mirror {
    /// Dead letters, newest first; `includeResolved` adds the ones a retry already applied.
    public func deadLetters(includeResolved: Bool = false, source: String? = nil, limit: Int = 1000) throws -> [DeadLetter] {
        try db.read { db in
            var sql = "SELECT * FROM dead_letter WHERE 1"
            var args: [(any DatabaseValueConvertible)?] = []
            if !includeResolved { sql += " AND status = 'open'" }
            if let source { sql += " AND source = ?"; args.append(source) }
            sql += " ORDER BY id DESC LIMIT ?"
            args.append(limit)
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map(DeadLetter.init(row:))
        }
    }

    /// Re-applies dead letters through the event importer's single-line path, each in its own transaction with
    /// its retry record (`retries`, `last_retry_at`, `last_retry_result`; `resolved` once it applies). With no
    /// ids, every open dead letter is retried, oldest first.
    public func retryDeadLetters(ids: [Int64] = []) throws -> [DeadLetterRetry] {
        let targets: [Int64] = ids.isEmpty
            ? try db.read { try Int64.fetchAll($0, sql: "SELECT id FROM dead_letter WHERE status = 'open' ORDER BY id") }
            : ids
        var out: [DeadLetterRetry] = []
        for id in targets {
            out.append(try db.write { db in try Mirror.retryDeadLetter(db, id: id) })
        }
        return out
    }

    static func retryDeadLetter(_ db: Database, id: Int64) throws -> DeadLetterRetry {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM dead_letter WHERE id = ?", arguments: [id]) else {
            throw DeadLetterError.unknown(id)
        }
        let letter = DeadLetter(row: row)
        guard letter.status == "open" else {
            return DeadLetterRetry(id: id, resolved: true, result: "already resolved", changes: ChangeSet())
        }
        var session = EventSession(db: db, file: letter.file)
        var outcome: EventOutcome = .duplicate
        // A line still refused leaves no trace but its retry record: the savepoint drops the counters it bumped.
        try db.inSavepoint {
            outcome = try session.apply(raw: letter.raw, line: letter.line)
            if case .rejected = outcome { return .rollback }
            return .commit
        }
        let (resolved, result, changes): (Bool, String, ChangeSet)
        switch outcome {
        case .applied(let c): (resolved, result, changes) = (true, "applied", c)
        case .duplicate: (resolved, result, changes) = (true, "duplicate (already applied)", ChangeSet())
        case .stale: (resolved, result, changes) = (true, "stale (a newer event for the same entity was applied)", ChangeSet())
        case .rejected(let p): (resolved, result, changes) = (false, p.reason, ChangeSet())
        }
        try db.execute(sql: """
            UPDATE dead_letter SET retries = retries + 1, last_retry_at = ?, last_retry_result = ?,
              status = CASE WHEN ? THEN 'resolved' ELSE status END
            WHERE id = ?
            """, arguments: [ChangeFeed.now(), result, resolved, id])
        return DeadLetterRetry(id: id, resolved: resolved, result: result, changes: changes)
    }
}

/// A dead-letter command that cannot be carried out.
public enum DeadLetterError: Error, CustomStringConvertible {
    case unknown(Int64)
    public var description: String {
        switch self {
        case .unknown(let id): return "no dead letter with id \(id) (see `allot deadletters --all`)"
        }
    }
}

extension DeadLetter {
    init(row r: Row) {
        self.init(id: r["id"], source: r["source"], file: r["file"], line: r["line"], reason: r["reason"], raw: r["raw"],
                  receivedAt: r["received_at"], status: r["status"], retries: r["retries"], lastRetryAt: r["last_retry_at"],
                  lastRetryResult: r["last_retry_result"])
    }
}
