import Foundation
import GRDB
import AllotCore

/// How current and how healthy one feeding system (`erp`, `wms`, `tms`, a snapshot drop) is.
public struct SourceHealth: Hashable, Sendable, Codable {
    /// The overall state the health view colours a source by.
    public enum Status: String, Hashable, Sendable, Codable {
        /// Fresh and its last file went through.
        case ok
        /// Nothing new from it for longer than the policy's `stale_inventory_hours`.
        case stale
        /// Its last file failed, or its events wait in dead letters.
        case failing
    }

    public var source: String
    public var status: Status
    /// The `at` of its newest applied event (a snapshot: when it was loaded).
    public var lastEventAt: Timestamp?
    public var lastSeq: Int64
    /// Hours from `lastEventAt` to now.
    public var lagHours: Double?
    /// Times a seq arrived past the next expected one.
    public var gaps: Int
    /// Seqs between the lowest and highest seen that never applied (counted from the event ledger).
    public var missingSeqs: Int64
    public var received: Int
    public var applied: Int
    public var duplicate: Int
    public var stale: Int
    public var rejected: Int
    /// Dead letters still open.
    public var openDeadLetters: Int
    public var files: Int
    public var failedFiles: Int
    public var lastFile: String?
    public var lastError: String?

    public init(source: String, status: Status, lastEventAt: Timestamp?, lastSeq: Int64, lagHours: Double?, gaps: Int,
                missingSeqs: Int64, received: Int, applied: Int, duplicate: Int, stale: Int, rejected: Int, openDeadLetters: Int,
                files: Int, failedFiles: Int, lastFile: String?, lastError: String?) {
        self.source = source; self.status = status; self.lastEventAt = lastEventAt; self.lastSeq = lastSeq; self.lagHours = lagHours
        self.gaps = gaps; self.missingSeqs = missingSeqs; self.received = received; self.applied = applied
        self.duplicate = duplicate; self.stale = stale; self.rejected = rejected; self.openDeadLetters = openDeadLetters
        self.files = files; self.failedFiles = failedFiles; self.lastFile = lastFile; self.lastError = lastError
    }

    enum CodingKeys: String, CodingKey {
        case source, status, lastEventAt = "last_event_at", lastSeq = "last_seq", lagHours = "lag_hours", gaps,
             missingSeqs = "missing_seqs", received, applied, duplicate, stale, rejected,
             openDeadLetters = "open_dead_letters", files, failedFiles = "failed_files", lastFile = "last_file",
             lastError = "last_error"
    }
}

/// The integration health of the whole mirror: each source, and the inventory positions counted too long ago.
public struct IntegrationHealth: Hashable, Sendable, Codable {
    public var now: Timestamp
    /// The policy's `stale_inventory_hours`.
    public var staleAfterHours: Double
    public var sources: [SourceHealth]
    /// Inventory positions whose `as_of` is older than the limit (the engine flags their lines STALE_DATA).
    public var staleInventory: Int
    /// Inventory positions without any `as_of`.
    public var undatedInventory: Int
    /// The oldest inventory count in the mirror.
    public var oldestInventoryAsOf: Timestamp?
    /// Open dead letters whose source could not be read (bad JSON, invalid UTF-8).
    public var unattributedDeadLetters: Int

    public init(now: Timestamp, staleAfterHours: Double, sources: [SourceHealth], staleInventory: Int, undatedInventory: Int,
                oldestInventoryAsOf: Timestamp?, unattributedDeadLetters: Int) {
        self.now = now; self.staleAfterHours = staleAfterHours; self.sources = sources; self.staleInventory = staleInventory
        self.undatedInventory = undatedInventory; self.oldestInventoryAsOf = oldestInventoryAsOf
        self.unattributedDeadLetters = unattributedDeadLetters
    }

    /// True when the status line should show a red marker: a source stale or failing, or stale inventory.
    public var needsAttention: Bool {
        staleInventory > 0 || unattributedDeadLetters > 0 || sources.contains { $0.status != .ok }
    }

    enum CodingKeys: String, CodingKey {
        case now, staleAfterHours = "stale_after_hours", sources, staleInventory = "stale_inventory",
             undatedInventory = "undated_inventory", oldestInventoryAsOf = "oldest_inventory_as_of",
             unattributedDeadLetters = "unattributed_dead_letters"
    }
}

extension Mirror {
    /// Reads every source's freshness, gaps and failures as of `now`, judging staleness against `staleAfterHours`
    /// (the policy's `exceptions.stale_inventory_hours`).
    public func integrationHealth(now: Timestamp, staleAfterHours: Double) throws -> IntegrationHealth {
        try db.read { db in
            var openBySource: [String: Int] = [:]
            var unattributed = 0
            for row in try Row.fetchAll(db, sql: "SELECT source, count(*) FROM dead_letter WHERE status = 'open' GROUP BY source") {
                if let s: String = row[0] { openBySource[s] = row[1] } else { unattributed = row[1] }
            }
            let missing = try SeqGaps.missing(db)
            let sources = try Row.fetchAll(db, sql: """
                SELECT source, last_seq, last_event_at, gaps, received, applied, duplicate, stale, rejected,
                       files, failed_files, last_file, last_error
                FROM source_state ORDER BY source
                """).map { r -> SourceHealth in
                let source: String = r["source"]
                let lastEventAt = (r["last_event_at"] as String?).flatMap { Timestamp($0) }
                let lag = lastEventAt.map { max(0, now.seconds - $0.seconds) / 3600 }
                let lastError: String? = r["last_error"]
                let open = openBySource[source] ?? 0
                let status: SourceHealth.Status =
                    lastError != nil || open > 0 ? .failing : (lag.map { $0 > staleAfterHours } ?? true) ? .stale : .ok
                return SourceHealth(source: source, status: status, lastEventAt: lastEventAt, lastSeq: r["last_seq"], lagHours: lag,
                                    gaps: r["gaps"], missingSeqs: max(0, missing[source] ?? 0), received: r["received"],
                                    applied: r["applied"], duplicate: r["duplicate"], stale: r["stale"], rejected: r["rejected"],
                                    openDeadLetters: open, files: r["files"], failedFiles: r["failed_files"],
                                    lastFile: r["last_file"], lastError: lastError)
            }
            // `as_of` is kept as the producer wrote it (offsets included), so it is compared as a time, not as text.
            var staleInventory = 0, undated = 0
            var oldest: Timestamp?
            for row in try Row.fetchAll(db, sql: "SELECT as_of, count(*) FROM inventory GROUP BY as_of") {
                guard let text: String = row[0], let t = Timestamp(text) else { undated += row[1] as Int; continue }
                if now.seconds - t.seconds > staleAfterHours * 3600 { staleInventory += row[1] as Int }
                if oldest.map({ t < $0 }) ?? true { oldest = t }
            }
            return IntegrationHealth(now: now, staleAfterHours: staleAfterHours, sources: sources, staleInventory: staleInventory,
                                     undatedInventory: undated, oldestInventoryAsOf: oldest, unattributedDeadLetters: unattributed)
        }
    }
}
