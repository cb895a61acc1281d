import Foundation
import GRDB
import AllotCore

extension Mirror {
    /// Loads the snapshot folder at `directory` when the mirror is new and empty, so that a first start opens a
    /// populated workbench; returns nil (and changes nothing) when the mirror already holds data.
    ///
    /// `shiftingDays` moves every date and timestamp of the folder's files (its history included) that many days on
    /// as they are loaded (see `DateShift`): a sample scenario seen on one day then tells the same story on another,
    /// today, instead of every order having gone late and every stock count stale since it was written.
    ///
    /// The mirror remembers which scenario it was loaded with and by how many days its dates moved (`sampleOrigin`),
    /// so that the scenario's later files (its events) can be moved alike.
    @discardableResult
    public func loadSampleIfEmpty(directory: String, shiftingDays days: Int = 0) throws -> ImportSummary? {
        guard try isEmpty() else { return nil }
        let scenario = URL(fileURLWithPath: directory).lastPathComponent
        return try DateShift.withMoved(folder: directory, days: days) { folder in
            let summary = try SnapshotImporter(mirror: self).importSnapshot(directory: folder) { db, _ in
                try db.execute(sql: "INSERT OR REPLACE INTO sample_origin(id, scenario, days_moved) VALUES (1, ?, ?)",
                               arguments: [scenario, days])
            }
            // The scenario's past (decisions, shipments, eta changes) feeds the metrics and the insight models.
            if FileManager.default.fileExists(atPath: folder + "/history") { _ = try HistoryLoader(mirror: self).load(directory: folder) }
            return summary
        }
    }

    /// The sample scenario this mirror was first loaded with and the days its dates were moved by, if it was.
    public func sampleOrigin() throws -> (scenario: String, daysMoved: Int)? {
        try db.read { db in
            try Row.fetchOne(db, sql: "SELECT scenario, days_moved FROM sample_origin WHERE id = 1").map { ($0["scenario"], $0["days_moved"]) }
        }
    }
}

extension Schema {
    static func registerSampleMigrations(_ m: inout DatabaseMigrator) {
        // The bundled scenario a first start loaded, and the days its dates moved to reach that day.
        m.registerMigration("v1-sample-origin") { db in
            try db.execute(sql: """
            CREATE TABLE sample_origin (
              id INTEGER PRIMARY KEY CHECK (id = 1),
              scenario TEXT NOT NULL,
              days_moved INTEGER NOT NULL
            ) STRICT;
            """)
        }
    }
}

/// Moves the dates of a snapshot folder's CSV files by whole days: every field that is exactly a date (`YYYY-MM-DD`) or
/// an RFC 3339 timestamp gets its date part moved, and nothing else changes (ids such as `PO-2026-11-29-A`, text, a
/// version like `2026-11-promo`). Intervals between any two moments stay exactly as they were, so a plan of the moved
/// scenario on the moved day is the original plan on the original day, every date moved alike.
public enum DateShift {
    /// Copies `folder`'s files (and those of its `history/` folder) into `target`, created, with every CSV's dates
    /// moved `days` days; other files (the policy) are copied as they are. Sub-folders other than `history/` (events,
    /// what-if policies) are not part of a snapshot and are left out.
    public static func copy(folder: String, to target: String, days: Int) throws {
        let fm = FileManager.default
        for (from, to) in [(folder, target), (folder + "/history", target + "/history")] {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: from, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            try fm.createDirectory(atPath: to, withIntermediateDirectories: true)
            for name in try fm.contentsOfDirectory(atPath: from).sorted() {
                let path = from + "/" + name
                guard fm.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                if name.hasSuffix(".csv") {
                    guard let text = fm.contents(atPath: path).flatMap({ String(data: $0, encoding: .utf8) }) else {
                        throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: path])
                    }
                    try Data(shift(csv: text, days: days).utf8).write(to: URL(fileURLWithPath: to + "/" + name))
                } else {
                    try fm.copyItem(atPath: path, toPath: to + "/" + name)
                }
            }
        }
    }

    /// Runs `body` on `folder`, or (when `days` is not 0) on a copy of it with its dates moved, removed afterwards.
    public static func withMoved<T>(folder: String, days: Int, _ body: (String) throws -> T) throws -> T {
        guard days != 0 else { return try body(folder) }
        let moved = FileManager.default.temporaryDirectory.appendingPathComponent("allot-moved-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: moved) }
        try copy(folder: folder, to: moved, days: days)
        return try body(moved)
    }

    /// JSON Lines text with every string value (or key) that is a date or a timestamp moved `days` days; everything
    /// else, spacing and escapes included, as it was.
    public static func shift(jsonLines text: String, days: Int) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 64)
        var inString = false, escaped = false, plain = true
        var content = ""
        for c in text {
            guard inString else {
                out.append(c)
                if c == "\"" { inString = true; content = ""; plain = true }
                continue
            }
            if escaped { escaped = false; content.append(c); continue }
            if c == "\\" { escaped = true; plain = false; content.append(c); continue }
            if c == "\"" {
                out += plain ? (shift(field: content, days: days) ?? content) : content
                out.append(c)
                inString = false
                continue
            }
            content.append(c)
        }
        if inString { out += content }
        return out
    }

    /// A CSV text with every date and timestamp field moved `days` days (quoted fields too, kept quoted; line ends and
    /// every other byte as they were).
    public static func shift(csv text: String, days: Int) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 64)
        var field = ""
        var quoted = false, inQuotes = false, atFieldStart = true
        func endField() {
            if let moved = shift(field: field, days: days) { out += quoted ? "\"" + moved + "\"" : moved }
            else { out += quoted ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field }
            field = ""; quoted = false; atFieldStart = true
        }
        var chars = text.makeIterator()
        var pending: Character? = nil
        while let c = pending ?? chars.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    let next = chars.next()
                    if next == "\"" { field.append("\"") } else { inQuotes = false; pending = next }
                } else { field.append(c) }
                continue
            }
            switch c {
            case "\"" where atFieldStart: quoted = true; inQuotes = true; atFieldStart = false
            case ",": endField(); out += ","
            case "\n", "\r\n", "\r": endField(); out.append(c)
            default: field.append(c); atFieldStart = false
            }
        }
        if !field.isEmpty || quoted { endField() }
        return out
    }

    /// The field moved `days` days when it is a date or an RFC 3339 timestamp, else nil.
    public static func shift(field: String, days: Int) -> String? {
        let u = Array(field.utf8)
        guard u.count == 10 || u.count >= 20, let day = Day(field.prefix(10)) else { return nil }
        if u.count > 10 && Timestamp(field) == nil { return nil }
        return (day + days).description + field.dropFirst(10)
    }
}
