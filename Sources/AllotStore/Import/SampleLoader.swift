import Foundation
import AllotCore

extension Mirror {
    /// Loads the snapshot folder at `directory` when the mirror is new and empty, so that a first start opens a
    /// populated workbench; returns nil (and changes nothing) when the mirror already holds data.
    ///
    /// `shiftingDays` moves every date and timestamp of the folder's files (its history included) that many days on
    /// as they are loaded (see `DateShift`): a sample scenario seen on one day then tells the same story on another,
    /// today, instead of every order having gone late and every stock count stale since it was written.
    @discardableResult
    public func loadSampleIfEmpty(directory: String, shiftingDays days: Int = 0) throws -> ImportSummary? {
        guard try isEmpty() else { return nil }
        guard days != 0 else { return try load(directory) }
        let moved = FileManager.default.temporaryDirectory.appendingPathComponent("allot-sample-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: moved) }
        try DateShift.copy(folder: directory, to: moved, days: days)
        return try load(moved)
    }

    private func load(_ directory: String) throws -> ImportSummary {
        let summary = try SnapshotImporter(mirror: self).importSnapshot(directory: directory)
        // The scenario's past (decisions, shipments, eta changes) feeds the metrics and the insight models.
        if FileManager.default.fileExists(atPath: directory + "/history") { _ = try HistoryLoader(mirror: self).load(directory: directory) }
        return summary
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
