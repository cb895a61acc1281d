import Foundation
import GRDB
import AllotCore

/// Loads a snapshot folder (the contract's section 1) into the mirror, all or nothing.
///
/// Semantics: every file present replaces the contents of its table — rows of the file are inserted or
/// updated, rows of the table that the file no longer lists are deleted; a file that is absent leaves its
/// table as it is. Everything is checked first (encoding, header, every cell, duplicate keys, references
/// between files and to what the mirror keeps); only a snapshot without a single problem is written, in one
/// transaction. Importing the same folder again changes nothing.
public struct SnapshotImporter: Sendable {
    public let mirror: Mirror

    public init(mirror: Mirror) { self.mirror = mirror }

    /// Imports the snapshot folder at `directory`; throws `SnapshotRejected` naming every problem (the mirror is
    /// then unchanged). In the summary, `applied` counts rows that changed the mirror (inserted, updated or
    /// deleted) and `duplicate` the rows it already held exactly so. `beforeCommit` runs inside the writing
    /// transaction (the drop folder records the folder in its ledger there).
    @discardableResult
    public func importSnapshot(directory: String,
                               beforeCommit: ((Database, ImportSummary) throws -> Void)? = nil) throws -> ImportSummary {
        let started = Date()
        let present = try Self.presentFiles(in: directory)
        let policyPath = directory + "/policy.toml"
        let hasPolicy = FileManager.default.fileExists(atPath: policyPath)
        guard !present.isEmpty || hasPolicy else {
            throw SnapshotRejected(problems: [ImportProblem(file: directory,
                message: "no snapshot files here (expected some of: \(SnapshotLayout.files.map(\.name).joined(separator: ", ")), policy.toml)")])
        }

        var problems: [ImportProblem] = []
        var policyText: String?
        if hasPolicy {
            policyText = Self.readPolicy(at: policyPath, problems: &problems)
        }
        // Files are read on background threads while the writer checks and writes what has arrived; a problem
        // anywhere rolls the whole transaction back.
        let feeds = SnapshotFeed.startReading(present, directory: directory)

        return try Self.bulkWrite(mirror) { db in
            var references = SnapshotReferences(db: db, present: Set(present.map(\.name)))
            var writers: [SnapshotTableWriter] = []
            var readSeconds: [String: Double] = [:]
            for file in SnapshotLayout.files {
                guard let feed = feeds[file.name] else { continue }
                var w = SnapshotTableWriter(spec: file)
                try w.begin(db, bytes: feed.bytes)
                var found = ProblemList(file: file.name)
                var defined = Set<String>()
                let keyColumn = file.index(of: file.key[0])
                let width = file.columns.count
                while let chunk = feed.next() {
                    let clock = ContinuousClock.now
                    let ok = try references.check(chunk, of: file, into: &found)
                    if file.defines != nil {
                        for r in 0..<chunk.rowCount { defined.insert(chunk.values[r * width + keyColumn].keyText) }
                    }
                    try w.take(chunk, write: ok && found.isEmpty && problems.isEmpty, db)
                    w.seconds += SnapshotTableWriter.elapsed(since: clock)
                }
                let read = feed.result
                readSeconds[file.name] = read.seconds
                if let e = file.defines { references.define(e, ids: defined, complete: read.problems.isEmpty) }
                problems += read.problems + found.all
                try w.end(db)
                writers.append(w)
            }
            if problems.isEmpty { problems += try references.dangling() }
            if !problems.isEmpty { throw SnapshotRejected(problems: problems) }

            var summary = ImportSummary()
            summary.changes.full = true
            var changed = 0
            // Rows that a later file may still reference are deleted only after all files are written.
            for i in writers.indices.reversed() { try writers[i].deleteMissing(db) }
            for w in writers {
                changed += w.changed
                summary.duplicate += w.rows - w.upserted
                summary.files.append(FileStat(file: w.spec.name, rows: w.rows, changed: w.changed,
                                              readSeconds: readSeconds[w.spec.name] ?? 0, writeSeconds: w.seconds))
            }
            if let policyText {
                if try Mirror.storePolicy(db, toml: policyText, file: "policy.toml") { changed += 1 }
            }
            summary.applied = changed
            let now = ChangeFeed.now()
            if changed > 0 {
                let touched = writers.filter { $0.changed > 0 }.map(\.spec.name) + (changed > writers.map(\.changed).reduce(0, +) ? ["policy.toml"] : [])
                try ChangeFeed.append(db, at: now, source: ChangeFeed.snapshotKind, kind: ChangeFeed.snapshotKind,
                                      detail: "\(directory): \(touched.joined(separator: ", "))")
            }
            try db.execute(sql: """
                INSERT INTO import_run(path, kind, started_at, finished_at, applied, duplicate, stale, rejected)
                VALUES (?, 'snapshot', ?, ?, ?, ?, 0, 0)
                """, arguments: [directory, Timestamp(seconds: started.timeIntervalSince1970).description, now,
                                 summary.applied, summary.duplicate])
            // Decided lines this import invalidates are marked "needs re-check" in the same transaction.
            try Invalidation.apply(db, now: Timestamp(seconds: Date().timeIntervalSince1970))
            try beforeCommit?(db, summary)
            return summary
        }
    }

    /// Runs `body` in one write transaction with a page cache large enough that a big snapshot is not spilled
    /// to disk page by page before it commits; the usual cache size is restored afterwards.
    static func bulkWrite<T>(_ mirror: Mirror, _ body: (Database) throws -> T) throws -> T {
        try mirror.db.writeWithoutTransaction { db in try Mirror.withLargeCache(db) {
            // Into a new, empty mirror nothing is deleted and the importer checks every reference itself, so
            // SQLite need not look each one up again.
            let fresh = try Schema.mirrorTables.allSatisfy { try Int.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM \($0))") == 1 }
            if fresh { try db.execute(sql: "PRAGMA foreign_keys = OFF") }
            defer { if fresh { try? db.execute(sql: "PRAGMA foreign_keys = ON") } }
            var result: T?
            try db.inTransaction {
                result = try body(db)
                return .commit
            }
            return result!
        } }
    }

    /// The layout files present in the folder, in layout order.
    static func presentFiles(in directory: String) throws -> [SnapshotLayout.File] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw SnapshotRejected(problems: [ImportProblem(file: directory, message: "is not a folder")])
        }
        return SnapshotLayout.files.filter { FileManager.default.fileExists(atPath: directory + "/" + $0.name) }
    }

    static func readPolicy(at path: String, problems: inout [ImportProblem]) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else {
            problems.append(ImportProblem(file: "policy.toml", message: "cannot be read")); return nil
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            let (line, offset) = SnapshotFileReader.firstInvalidUTF8(data)
            problems.append(ImportProblem(file: "policy.toml", line: line, message: "is not UTF-8 text (invalid byte at offset \(offset))"))
            return nil
        }
        do { _ = try Policy(toml: text, file: "policy.toml") } catch {
            problems.append(ImportProblem(file: "policy.toml", line: error.line, field: error.key.isEmpty ? nil : error.key,
                                          message: error.message))
            return nil
        }
        return text
    }
}
