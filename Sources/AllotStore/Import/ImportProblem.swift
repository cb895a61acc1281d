import AllotCore

/// One thing wrong with an input file, named so that a person can find and fix it.
///
/// Its description reads `orders.csv:17: field 'qty': value '-3': is not a whole number >= 0`; the parts that
/// are unknown (a whole-file problem has no line) are left out.
public struct ImportProblem: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file name as the user gave it (`orders.csv`, `events.jsonl`, `<stdin>`).
    public var file: String
    /// 1-based line of the file, nil when the problem concerns the whole file.
    public var line: Int?
    public var field: String?
    public var value: String?
    public var message: String

    public init(file: String, line: Int? = nil, field: String? = nil, value: String? = nil, message: String) {
        self.file = file; self.line = line; self.field = field; self.value = value; self.message = message
    }

    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        s += ":"
        if let field { s += " field '\(field)':" }
        if let value { s += " value '\(ImportProblem.clip(value))':" }
        return s + " " + message
    }

    /// Keeps a quoted value readable when the offending value is a whole JSON line.
    static func clip(_ v: String) -> String { v.count > 80 ? String(v.prefix(77)) + "..." : v }
}

/// Thrown when a snapshot is refused: every problem found, and the mirror left exactly as it was.
public struct SnapshotRejected: Error, Sendable, CustomStringConvertible {
    public var problems: [ImportProblem]
    public init(problems: [ImportProblem]) { self.problems = problems }
    public var description: String {
        "snapshot rejected, nothing changed (\(problems.count) problem\(problems.count == 1 ? "" : "s")):\n"
            + problems.map { "  " + $0.description }.joined(separator: "\n")
    }
}

/// What an import touched, so that later steps re-plan or re-check only that.
public struct ChangeSet: Hashable, Sendable {
    public var skus: Set<SKU> = []
    public var orders: Set<OrderID> = []
    /// True when the change can affect any line (a snapshot reload, a lane, warehouse or customer change).
    public var full = false
    public init(skus: Set<SKU> = [], orders: Set<OrderID> = [], full: Bool = false) {
        self.skus = skus; self.orders = orders; self.full = full
    }
    public var isEmpty: Bool { skus.isEmpty && orders.isEmpty && !full }
    public mutating func formUnion(_ other: ChangeSet) {
        skus.formUnion(other.skus); orders.formUnion(other.orders); full = full || other.full
    }
}

/// The rows and time one file of an import took, for `allot bench import` and the import's report.
public struct FileStat: Hashable, Sendable {
    public var file: String
    public var rows: Int
    /// Rows that differed from what the mirror held (inserted, updated or deleted).
    public var changed: Int
    /// Reading and checking the file (done for all files side by side, before anything is written).
    public var readSeconds: Double
    /// Writing its rows into the mirror.
    public var writeSeconds: Double
    public var seconds: Double { readSeconds + writeSeconds }
    public init(file: String, rows: Int, changed: Int = 0, readSeconds: Double, writeSeconds: Double) {
        self.file = file; self.rows = rows; self.changed = changed; self.readSeconds = readSeconds; self.writeSeconds = writeSeconds
    }
}

/// The outcome of one import: how many records were applied, ignored as duplicate or stale, or rejected.
public struct ImportSummary: Hashable, Sendable, CustomStringConvertible {
    public var applied = 0
    public var duplicate = 0
    public var stale = 0
    public var rejected = 0
    /// Rejected events with their reasons (snapshots throw `SnapshotRejected` instead).
    public var problems: [ImportProblem] = []
    public var changes = ChangeSet()
    /// Per-file rows and time (snapshots).
    public var files: [FileStat] = []
    /// Sequence gaps seen per source (events): `erp: seq 7 after 4`.
    public var gaps: [String] = []
    public init() {}

    /// `applied N, duplicate N, stale N, rejected N`: the line `allot import` prints.
    public var description: String { "applied \(applied), duplicate \(duplicate), stale \(stale), rejected \(rejected)" }

    public mutating func add(_ other: ImportSummary) {
        applied += other.applied; duplicate += other.duplicate; stale += other.stale; rejected += other.rejected
        problems += other.problems; changes.formUnion(other.changes); files += other.files; gaps += other.gaps
    }
}
