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
        let parsed = try Self.readAll(present, directory: directory, problems: &problems)

        var policyText: String?
        if hasPolicy {
            policyText = Self.readPolicy(at: policyPath, problems: &problems)
        }
        if !problems.isEmpty { throw SnapshotRejected(problems: problems) }

        return try Self.bulkWrite(mirror) { db in
            let checker = SnapshotConsistency(db: db, parsed: parsed)
            let found = try checker.problems()
            if !found.isEmpty { throw SnapshotRejected(problems: found) }

            var summary = ImportSummary()
            summary.changes.full = true
            var changed = 0
            // Rows that a later file may still reference are deleted only after all files are written.
            var writers: [SnapshotTableWriter] = []
            for file in SnapshotLayout.files {
                guard let p = parsed[file.name] else { continue }
                var w = SnapshotTableWriter(parsed: p)
                try w.write(db)
                writers.append(w)
            }
            for i in writers.indices.reversed() { try writers[i].deleteMissing(db) }
            for w in writers {
                changed += w.changed
                summary.duplicate += w.parsed.rowCount - w.upserted
                summary.files.append(FileStat(file: w.parsed.spec.name, rows: w.parsed.rowCount, changed: w.changed,
                                              readSeconds: w.parsed.seconds, writeSeconds: w.seconds))
            }
            if let policyText {
                if try Mirror.storePolicy(db, toml: policyText, file: "policy.toml") { changed += 1 }
            }
            summary.applied = changed
            let now = ChangeFeed.now()
            if changed > 0 {
                let touched = writers.filter { $0.changed > 0 }.map(\.parsed.spec.name) + (changed > writers.map(\.changed).reduce(0, +) ? ["policy.toml"] : [])
                try ChangeFeed.append(db, at: now, source: "snapshot", kind: "snapshot",
                                      detail: "\(directory): \(touched.joined(separator: ", "))")
            }
            try db.execute(sql: """
                INSERT INTO import_run(path, kind, started_at, finished_at, applied, duplicate, stale, rejected)
                VALUES (?, 'snapshot', ?, ?, ?, ?, 0, 0)
                """, arguments: [directory, Timestamp(seconds: started.timeIntervalSince1970).description, now,
                                 summary.applied, summary.duplicate])
            try beforeCommit?(db, summary)
            return summary
        }
    }

    /// Runs `body` in one write transaction with a page cache large enough that a big snapshot is not spilled
    /// to disk page by page before it commits; the usual cache size is restored afterwards.
    static func bulkWrite<T>(_ mirror: Mirror, _ body: (Database) throws -> T) throws -> T {
        try mirror.db.writeWithoutTransaction { db in
            let cache = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
            try db.execute(sql: "PRAGMA cache_size = -1048576")  // up to 1 GiB, only as much as is used
            defer { try? db.execute(sql: "PRAGMA cache_size = \(cache)") }
            var result: T?
            try db.inTransaction {
                result = try body(db)
                return .commit
            }
            return result!
        }
    }

    /// The layout files present in the folder, in layout order.
    static func presentFiles(in directory: String) throws -> [SnapshotLayout.File] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw SnapshotRejected(problems: [ImportProblem(file: directory, message: "is not a folder")])
        }
        return SnapshotLayout.files.filter { FileManager.default.fileExists(atPath: directory + "/" + $0.name) }
    }

    /// Reads and checks every present file, the large ones side by side.
    static func readAll(_ files: [SnapshotLayout.File], directory: String,
                        problems: inout [ImportProblem]) throws -> [String: ParsedSnapshotFile] {
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var parsed: [String: ParsedSnapshotFile] = [:]
            var problems: [String: [ImportProblem]] = [:]
        }
        let results = Results()
        // Largest first, so that the two cores finish together.
        let sizes = files.map { (try? FileManager.default.attributesOfItem(atPath: directory + "/" + $0.name)[.size] as? Int) ?? 0 }
        let order = files.indices.sorted { sizes[$0] > sizes[$1] }
        DispatchQueue.concurrentPerform(iterations: order.count) { k in
            let spec = files[order[k]]
            let t0 = Date()
            var reader = SnapshotFileReader(spec: spec)
            var result: ParsedSnapshotFile?
            if let data = FileManager.default.contents(atPath: directory + "/" + spec.name) {
                result = reader.read(data)
                if var r = result {
                    r.checkDuplicateKeys(&reader)
                    r.seconds = Date().timeIntervalSince(t0)
                    result = r
                }
            } else {
                reader.problem(line: nil, "cannot be read")
            }
            reader.finish()
            results.lock.lock()
            results.parsed[spec.name] = result
            results.problems[spec.name] = reader.problems
            results.lock.unlock()
        }
        for f in files { problems += results.problems[f.name] ?? [] }
        return results.parsed
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

extension ParsedSnapshotFile {
    /// Names every row whose key an earlier row of the same file already used.
    func checkDuplicateKeys(_ reader: inout SnapshotFileReader) {
        let keyColumns = spec.key.map { spec.index(of: $0) }
        var seen: [String: Int32] = [:]
        seen.reserveCapacity(rowCount)
        for r in 0..<rowCount {
            let key = keyColumns.count == 1
                ? text(row: r, column: keyColumns[0])
                : keyColumns.map { text(row: r, column: $0) }.joined(separator: "\u{1F}")
            if let first = seen[key] {
                let shown = keyColumns.map { text(row: r, column: $0) }.joined(separator: ", ")
                reader.problem(line: Int(lines[r]), field: spec.key.joined(separator: ", "), value: shown,
                               "duplicate key: line \(first) has the same")
            } else {
                seen[key] = lines[r]
            }
        }
    }
}
