import Foundation
import Crypto

/// One complete input waiting in the drop folder: a JSON Lines events file or a snapshot folder.
public struct DropItem: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        /// A JSON Lines file of events (`.jsonl`, `.ndjson`, `.json`).
        case events
        /// A folder of snapshot CSV files, released by its `NAME.done` marker.
        case snapshot
        /// A complete file Allot cannot read (another extension); it goes to `failed/` with the reason.
        case unsupported
    }

    /// The file or folder name inside the drop folder.
    public var name: String
    public var kind: Kind
    /// The source it comes from: its name up to the first `-`, `_` or `.` (`erp-000123.jsonl` → `erp`).
    public var source: String
    /// The `NAME.done` marker that released it, if there is one.
    public var marker: String?

    public init(name: String, kind: Kind, marker: String? = nil) {
        self.name = name; self.kind = kind; self.marker = marker
        self.source = DropItem.source(ofName: name)
    }

    public var description: String { name }

    /// The source a drop-folder name belongs to: the part before the first `-`, `_` or `.`.
    public static func source(ofName name: String) -> String {
        let head = name.prefix { $0 != "-" && $0 != "_" && $0 != "." }
        return head.isEmpty ? "unknown" : String(head)
    }
}

/// A folder that ERP, WMS and TMS exports land in, with `processed/` and `failed/` inside it.
///
/// Only complete inputs are picked up: producers write under a temporary name (a dotfile, `*.tmp`, `*.part`)
/// and rename when done, or write a folder and then an empty `NAME.done` beside it. Inputs are taken in order
/// of name, which keeps each source's files in order when their names carry a sequence or a timestamp.
public struct DropFolder: Sendable {
    public let path: String
    public var processedPath: String { path + "/processed" }
    public var failedPath: String { path + "/failed" }

    static let eventExtensions: Set<String> = ["jsonl", "ndjson", "json"]
    static let inProgressExtensions: Set<String> = ["tmp", "part", "partial", "swp"]
    static let markerExtension = "done"

    /// Opens the drop folder at `path`, creating it and its `processed/` and `failed/` folders when missing.
    public init(path: String) throws {
        self.path = path
        let fm = FileManager.default
        for dir in [path, path + "/processed", path + "/failed"] {
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
    }

    /// What the folder holds now: the complete inputs in order of name, and names still being written.
    public func scan() throws -> (ready: [DropItem], waiting: [String]) {
        let fm = FileManager.default
        let names = try fm.contentsOfDirectory(atPath: path).sorted()
        let present = Set(names)
        var ready: [DropItem] = []
        var waiting: [String] = []
        for name in names {
            if name == "processed" || name == "failed" || name.hasPrefix(".") { continue }
            let ext = (name as NSString).pathExtension.lowercased()
            if Self.inProgressExtensions.contains(ext) { waiting.append(name); continue }
            if ext == Self.markerExtension {
                // A marker whose folder was already moved (a crash between the two moves) follows it.
                let target = String(name.dropLast(Self.markerExtension.count + 1))
                if !present.contains(target) { try adoptOrphanMarker(name, target: target) }
                continue
            }
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path + "/" + name, isDirectory: &isDir) else { continue }
            let marker = present.contains(name + ".done") ? name + ".done" : nil
            if isDir.boolValue {
                if let marker { ready.append(DropItem(name: name, kind: .snapshot, marker: marker)) } else { waiting.append(name) }
            } else if Self.eventExtensions.contains(ext) {
                ready.append(DropItem(name: name, kind: .events, marker: marker))
            } else {
                ready.append(DropItem(name: name, kind: .unsupported, marker: marker))
            }
        }
        return (ready, waiting)
    }

    private func adoptOrphanMarker(_ marker: String, target: String) throws {
        for dir in [processedPath, failedPath] where FileManager.default.fileExists(atPath: dir + "/" + target) {
            try? FileManager.default.moveItem(atPath: path + "/" + marker, toPath: dir + "/" + marker)
            return
        }
    }

    /// Where an input goes once handled.
    public enum Destination: String, Sendable { case processed, failed }

    /// Moves a handled input (and its marker) out of the way; for `failed`, first writes `NAME.error` beside it
    /// saying what was wrong. Returns the path it now has. A name already taken there gets a `~2`, `~3` suffix.
    @discardableResult
    public func finish(_ item: DropItem, to destination: Destination, error: String? = nil) throws -> String {
        let fm = FileManager.default
        let dir = destination == .processed ? processedPath : failedPath
        var target = item.name
        var n = 2
        while fm.fileExists(atPath: dir + "/" + target) || fm.fileExists(atPath: dir + "/" + target + ".error") {
            target = "\(item.name)~\(n)"; n += 1
        }
        if let error {
            try Data((error.hasSuffix("\n") ? error : error + "\n").utf8).write(to: URL(fileURLWithPath: dir + "/" + target + ".error"),
                                                                                  options: .atomic)
        }
        try fm.moveItem(atPath: path + "/" + item.name, toPath: dir + "/" + target)
        if let marker = item.marker, fm.fileExists(atPath: path + "/" + marker) {
            try fm.moveItem(atPath: path + "/" + marker, toPath: dir + "/" + target + ".done")
        }
        return dir + "/" + target
    }

    /// The SHA-256 of an input's content (a folder: every regular file in it, by name), in hex; with the name,
    /// it identifies a file in the import ledger.
    public func contentHash(of item: DropItem, data: Data? = nil) throws -> String {
        var hasher = SHA256()
        let full = path + "/" + item.name
        if let data {
            hasher.update(data: data)
        } else if item.kind == .snapshot {
            let fm = FileManager.default
            for name in try fm.contentsOfDirectory(atPath: full).sorted() {
                var isDir: ObjCBool = false
                guard fm.fileExists(atPath: full + "/" + name, isDirectory: &isDir), !isDir.boolValue else { continue }
                let bytes = try Data(contentsOf: URL(fileURLWithPath: full + "/" + name))
                hasher.update(data: Data(name.utf8)); hasher.update(data: Data([0]))
                hasher.update(data: Data(String(bytes.count).utf8)); hasher.update(data: Data([0]))
                hasher.update(data: bytes)
            }
        } else {
            hasher.update(data: try Data(contentsOf: URL(fileURLWithPath: full)))
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
