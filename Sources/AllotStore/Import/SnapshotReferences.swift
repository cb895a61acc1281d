import GRDB
import AllotCore

/// Checks what no single file can: that every warehouse, sku, customer and order a row names exists — in the
/// snapshot, or in the mirror when its file is not part of the import — and that no row the mirror keeps
/// would be left naming something the snapshot removes.
///
/// Every reference points to a file earlier in the layout, so the ids a file defines are complete by the time
/// a later file's rows are checked against them.
struct SnapshotReferences {
    let db: Database
    /// The files of this import.
    let present: Set<String>
    private var ids: [SnapshotLayout.Entity: Set<String>] = [:]
    /// Entities whose file had problems of its own: references to them are not reported (they would only echo
    /// those problems).
    private var incomplete: Set<SnapshotLayout.Entity> = []

    init(db: Database, present: Set<String>) { self.db = db; self.present = present }

    /// Records the ids a file of this import defines, once it is read through.
    mutating func define(_ entity: SnapshotLayout.Entity, ids: Set<String>, complete: Bool) {
        self.ids[entity] = ids
        if !complete { incomplete.insert(entity) }
    }

    private mutating func known(_ e: SnapshotLayout.Entity) throws -> Set<String> {
        if let s = ids[e] { return s }
        let defining = SnapshotLayout.file(defining: e)
        let set = Set(try String.fetchAll(db, sql: "SELECT \(defining.key[0]) FROM \(defining.table)"))
        ids[e] = set
        return set
    }

    /// Names the rows of `chunk` that reference an unknown id; true when there were none.
    mutating func check(_ chunk: RowChunk, of file: SnapshotLayout.File, into problems: inout ProblemList) throws -> Bool {
        var ok = true
        let width = file.columns.count
        for ref in file.references where !incomplete.contains(ref.entity) {
            let set = try known(ref.entity)
            let c = file.index(of: ref.column)
            let origin = SnapshotLayout.file(defining: ref.entity)
            for r in 0..<chunk.rowCount {
                let v = chunk.values[r * width + c].keyText
                if !set.contains(v) {
                    ok = false
                    let whereFrom = present.contains(origin.name) ? "not in \(origin.name)"
                        : "not in the mirror, and \(origin.name) is not part of this import"
                    problems.add(ImportProblem(file: file.name, line: Int(chunk.lines[r]), field: ref.column, value: v,
                                               message: "unknown \(Self.noun(ref.entity)) (\(whereFrom))"))
                }
            }
        }
        return ok
    }

    /// Rows kept from the mirror (their file is not in this import) that name an id this snapshot removes.
    mutating func dangling() throws -> [ImportProblem] {
        var problems: [ImportProblem] = []
        for file in SnapshotLayout.files where !present.contains(file.name) {
            for ref in file.references {
                let origin = SnapshotLayout.file(defining: ref.entity)
                guard present.contains(origin.name) else { continue }
                let set = try known(ref.entity)
                let used = try String.fetchAll(db, sql: "SELECT DISTINCT \(ref.column) FROM \(file.table) ORDER BY 1")
                for v in used.filter({ !set.contains($0) }).prefix(SnapshotFileReader.maxListedProblems) {
                    problems.append(ImportProblem(file: origin.name, field: origin.key[0], value: v,
                        message: "is not in this file, but \(file.table) rows the mirror keeps still name it (import \(file.name) too, or keep this \(Self.noun(ref.entity)))"))
                }
            }
        }
        return problems
    }

    static func noun(_ e: SnapshotLayout.Entity) -> String {
        switch e {
        case .warehouse: return "warehouse"
        case .item: return "sku"
        case .customer: return "customer"
        case .order: return "order"
        }
    }
}

/// The problems of one file, listed up to a limit and counted beyond it.
struct ProblemList {
    let file: String
    private(set) var listed: [ImportProblem] = []
    private(set) var unlisted = 0
    init(file: String) { self.file = file }
    var isEmpty: Bool { listed.isEmpty }
    mutating func add(_ p: ImportProblem) {
        if listed.count < SnapshotFileReader.maxListedProblems { listed.append(p) } else { unlisted += 1 }
    }
    var all: [ImportProblem] {
        listed + (unlisted > 0 ? [ImportProblem(file: file, message: "and \(unlisted) more unknown references")] : [])
    }
}
