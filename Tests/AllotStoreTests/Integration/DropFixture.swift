import Foundation
import GRDB
@testable import AllotStore
import AllotCore
import AllotTestSupport

/// A drop folder in a temp dir beside a mirror loaded with `Fixture.basic`, and ways to write inputs into it.
struct DropFixture {
    let mirror: Mirror
    let dir: URL
    let folder: DropFolder

    init(loaded: Bool = true) throws {
        let mirror = try Fixture.mirror()
        if loaded { try SnapshotImporter(mirror: mirror).importSnapshot(directory: try Fixture.folder().path) }
        try self.init(mirror: mirror)
    }

    /// A drop folder beside an existing mirror.
    init(mirror: Mirror) throws {
        self.mirror = mirror
        dir = Scratch.url("allot-drop")
        folder = try DropFolder(path: dir.path)
    }

    var intake: DropFolderIntake { DropFolderIntake(mirror: mirror, folder: folder) }

    /// One event line.
    static func event(_ id: String, _ seq: Int, _ type: String, _ data: String, source: String = "erp",
                      at: String = "2026-11-29T08:00:00Z") -> String {
        #"{"id":"\#(id)","source":"\#(source)","seq":\#(seq),"type":"\#(type)","at":"\#(at)","data":\#(data)}"#
    }

    /// An `inventory.snapshot` line setting on hand of (warehouse, sku).
    static func stock(_ id: String, _ seq: Int, _ w: String, _ sku: String, _ onHand: Int, source: String = "wms",
                      asOf: String = "2026-11-29T08:00:00Z") -> String {
        event(id, seq, "inventory.snapshot", #"{"warehouse_id":"\#(w)","sku":"\#(sku)","on_hand":\#(onHand),"as_of":"\#(asOf)"}"#,
              source: source, at: asOf)
    }

    /// Writes a complete file into the folder the way a producer should: under a temp name, then renamed.
    @discardableResult
    func drop(_ name: String, _ lines: [String]) throws -> URL {
        try drop(name, bytes: Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    @discardableResult
    func drop(_ name: String, bytes: Data) throws -> URL {
        let tmp = dir.appendingPathComponent(name + ".tmp")
        try bytes.write(to: tmp)
        let final = dir.appendingPathComponent(name)
        try FileManager.default.moveItem(at: tmp, to: final)
        return final
    }

    func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: dir.appendingPathComponent(relative).path) }
    func read(_ relative: String) throws -> String { try String(contentsOf: dir.appendingPathComponent(relative), encoding: .utf8) }
    func count(_ table: String, _ filter: String = "1") throws -> Int {
        try mirror.db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM \(table) WHERE \(filter)") ?? 0 }
    }
    func onHand(_ w: String, _ sku: String) throws -> Int? {
        try mirror.db.read { try Int.fetchOne($0, sql: "SELECT on_hand FROM inventory WHERE warehouse_id = ? AND sku = ?", arguments: [w, sku]) }
    }
}
