import Foundation
import GRDB
import CSV
import AllotCore

/// A batch of checked rows of one snapshot file, handed from its reading thread to the writer.
struct RowChunk: Sendable {
    /// The rows, flattened: row r's value for column c is at `r * width + c`.
    var values: [DatabaseValue] = []
    /// The file line of each row, for messages.
    var lines: [Int32] = []
    var rowCount: Int { lines.count }
}

extension DatabaseValue {
    /// The value as text (numbers written out), for keys and messages.
    var keyText: String {
        switch storage {
        case .string(let s): return s
        case .int64(let i): return String(i)
        case .double(let d): return String(d)
        case .blob, .null: return ""
        }
    }
}

/// Reads one CSV file of the snapshot layout with CSV.swift, checking encoding, header, every cell and that
/// no key repeats, and hands the good rows on in chunks as it goes.
///
/// Problems are collected, not thrown, so that one run names every problem of every file.
struct SnapshotFileReader {
    /// Past this many problems in one file, the rest are counted, not listed.
    static let maxListedProblems = 50
    /// Rows per chunk handed to the writer.
    static let rowsPerChunk = 8_192

    var spec: SnapshotLayout.File
    var problems: [ImportProblem] = []
    private var unlisted = 0

    init(spec: SnapshotLayout.File) { self.spec = spec }

    mutating func problem(line: Int?, field: String? = nil, value: String? = nil, _ message: String) {
        if problems.count < Self.maxListedProblems {
            problems.append(ImportProblem(file: spec.name, line: line, field: field, value: value, message: message))
        } else { unlisted += 1 }
    }

    /// Closes the list with a count of the problems not listed.
    mutating func finish() {
        if unlisted > 0 { problems.append(ImportProblem(file: spec.name, message: "and \(unlisted) more problems")) }
    }

    /// Parses the file's bytes, calling `emit` with each chunk of good rows; returns the number of good rows.
    @discardableResult
    mutating func read(_ data: Data, emit: (RowChunk) -> Void) -> Int {
        guard var text = decodeUTF8(data) else { return 0 }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        if text.allSatisfy(\.isWhitespace) {
            problem(line: nil, "the file is empty; a header row naming the columns is required")
            return 0
        }
        let reader: CSVReader
        do { reader = try CSVReader(string: text, hasHeaderRow: true) } catch {
            problem(line: 1, "cannot read the header row: \(error)")
            return 0
        }
        let header = (reader.headerRow ?? []).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let mapping = map(header: header) else { return 0 }

        let width = spec.columns.count
        let keyColumns = spec.key.map { spec.index(of: $0) }
        var seen: [String: Int32] = [:]
        seen.reserveCapacity(data.count / 24)
        var chunk = RowChunk()
        var total = 0
        var line = 1, nextLine = 2
        var rowValues = [DatabaseValue](repeating: .null, count: width)

        while let row = reader.next() {
            // A quoted cell may hold line breaks, so a row can span several file lines: messages name the line
            // the row starts on, and the next row starts after the breaks inside this one.
            line = nextLine
            nextLine = line + 1 + Self.lineBreaks(in: row)
            if row.count == 1 && row[0].isEmpty { continue }  // a blank line
            if row.count > header.count {
                problem(line: line, "has \(row.count) cells but the header names \(header.count) columns (an unquoted comma?)")
                continue
            }
            var ok = true
            for c in 0..<width {
                let column = spec.columns[c]
                let cell = mapping[c].flatMap { $0 < row.count ? Self.trimmed(row[$0]) : nil } ?? ""
                if cell.isEmpty {
                    if column.required {
                        problem(line: line, field: column.name, value: "", "is required")
                        ok = false
                    }
                    rowValues[c] = column.fallback
                } else if let v = CellParser.parse(cell, column.kind) {
                    rowValues[c] = v
                } else {
                    problem(line: line, field: column.name, value: cell, CellParser.expectation(column.kind))
                    ok = false
                }
            }
            guard ok else { continue }
            let key = keyColumns.count == 1 ? rowValues[keyColumns[0]].keyText
                : keyColumns.map { rowValues[$0].keyText }.joined(separator: "\u{1F}")
            if let first = seen.updateValue(Int32(line), forKey: key) {
                seen[key] = first
                problem(line: line, field: spec.key.joined(separator: ", "),
                        value: keyColumns.map { rowValues[$0].keyText }.joined(separator: ", "),
                        "duplicate key: line \(first) has the same")
                continue
            }
            chunk.values.append(contentsOf: rowValues)
            chunk.lines.append(Int32(line))
            total += 1
            if chunk.rowCount >= Self.rowsPerChunk {
                emit(chunk)
                chunk = RowChunk()
            }
        }
        if chunk.rowCount > 0 { emit(chunk) }
        return total
    }

    /// For each column of the table, the index of its cell in a row; nil when the file lacks the column.
    private mutating func map(header: [String]) -> [Int?]? {
        var seen: [String: Int] = [:]
        for (i, h) in header.enumerated() where !h.isEmpty {
            if seen[h] != nil { problem(line: 1, field: h, "column appears twice in the header") } else { seen[h] = i }
        }
        var mapping: [Int?] = []
        var ok = problems.isEmpty
        for column in spec.columns {
            let i = seen[column.name]
            if i == nil && column.required {
                problem(line: 1, field: column.name,
                        "required column is missing (the header has: \(header.filter { !$0.isEmpty }.joined(separator: ", ")))")
                ok = false
            }
            mapping.append(i)
        }
        return ok ? mapping : nil
    }

    /// How many line breaks the cells of a row hold (a CRLF counts once), from quoted cells spanning lines.
    static func lineBreaks(in row: [String]) -> Int {
        var n = 0
        for cell in row where cell.utf8.contains(UInt8(ascii: "\n")) || cell.utf8.contains(UInt8(ascii: "\r")) {
            var previous: UInt8 = 0
            for b in cell.utf8 {
                if b == UInt8(ascii: "\n") && previous != UInt8(ascii: "\r") { n += 1 }
                if b == UInt8(ascii: "\r") { n += 1 }
                previous = b
            }
        }
        return n
    }

    /// The text of a UTF-8 file, or nil (with a problem naming the line) when it is not UTF-8.
    private mutating func decodeUTF8(_ data: Data) -> String? {
        if let s = String(validating: data, as: UTF8.self) { return s }
        let (line, offset) = Self.firstInvalidUTF8(data)
        problem(line: line, "is not UTF-8 text (invalid byte at offset \(offset)); save the file as UTF-8")
        return nil
    }

    /// Where the first byte that is not valid UTF-8 sits: its line and its byte offset.
    static func firstInvalidUTF8(_ data: Data) -> (line: Int, offset: Int) {
        var parser = Unicode.UTF8.ForwardParser()
        var it = data.makeIterator()
        var line = 1, offset = 0
        while true {
            switch parser.parseScalar(from: &it) {
            case .valid(let encoded):
                if encoded.count == 1 && encoded.first == UInt8(ascii: "\n") { line += 1 }
                offset += encoded.count
            case .error(let length):
                _ = length
                return (line, offset)
            case .emptyInput:
                return (line, offset)
            }
        }
    }

    /// The cell without surrounding spaces; a fast path for the usual cell that has none.
    static func trimmed(_ s: String) -> String {
        guard let f = s.utf8.first, let l = s.utf8.last else { return s }
        if f != 32 && f != 9 && l != 32 && l != 9 { return s }
        return s.trimmingCharacters(in: .whitespaces)
    }
}

/// Turns the text of one cell (CSV) or one JSON scalar into the database value of a column kind.
enum CellParser {
    static func parse(_ text: String, _ kind: SnapshotLayout.Kind) -> DatabaseValue? {
        switch kind {
        case .text:
            return text.databaseValue
        case .count:
            guard let v = Int64(text), v >= 0 else { return nil }
            return v.databaseValue
        case .integer:
            guard let v = Int64(text) else { return nil }
            return v.databaseValue
        case let .decimal(min, max):
            guard let v = Double(text), v.isFinite, !text.contains(where: { $0 == "e" || $0 == "E" || $0 == "x" }) else { return nil }
            if let min, v < min { return nil }
            if let max, v > max { return nil }
            return v.databaseValue
        case .bool:
            switch text.lowercased() {
            case "true": return true.databaseValue
            case "false": return false.databaseValue
            default: return nil
            }
        case .date:
            return Day(text) == nil ? nil : text.databaseValue
        case .timestamp:
            return Timestamp(text) == nil ? nil : text.databaseValue
        case .oneOf(let allowed):
            return allowed.contains(text) ? text.databaseValue : nil
        }
    }

    /// What a valid value looks like, as the end of a problem message.
    static func expectation(_ kind: SnapshotLayout.Kind) -> String {
        switch kind {
        case .text: return "is not text"
        case .count: return "is not a whole number >= 0"
        case .integer: return "is not a whole number"
        case let .decimal(min, max):
            switch (min, max) {
            case let (lo?, hi?): return "is not a decimal number between \(plain(lo)) and \(plain(hi))"
            case let (lo?, nil): return "is not a decimal number >= \(plain(lo))"
            default: return "is not a decimal number"
            }
        case .bool: return "is not true or false"
        case .date: return "is not a date YYYY-MM-DD"
        case .timestamp: return "is not an RFC 3339 timestamp (2026-11-29T08:00:00Z)"
        case .oneOf(let allowed): return "is not one of \(allowed.joined(separator: ", "))"
        }
    }

    /// A bound as people write it: 0 rather than 0.0.
    static func plain(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
    }
}
