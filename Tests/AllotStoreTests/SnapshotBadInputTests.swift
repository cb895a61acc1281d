import Testing
import Foundation
@testable import AllotStore
import AllotCore
import AllotTestSupport

/// Each kind of bad snapshot input gives one clear message naming where it is, and leaves the mirror exactly
/// as it was.
@Suite("Bad snapshot input")
struct SnapshotBadInputTests {
    /// Loads the good fixture, then tries the bad folder; returns the problems and checks nothing changed.
    func rejected(_ overrides: [String: String?]) throws -> [String] {
        try rejected(folder: try Fixture.folder(Fixture.basic, overrides))
    }

    func rejected(folder: URL) throws -> [String] {
        let mirror = try Fixture.mirror()
        try SnapshotImporter(mirror: mirror).importSnapshot(directory: try Fixture.folder().path)
        let before = try Fixture.dump(mirror)
        let feed = try mirror.lastChangeID()
        let error = #expect(throws: SnapshotRejected.self) {
            try SnapshotImporter(mirror: mirror).importSnapshot(directory: folder.path)
        }
        #expect(try Fixture.dump(mirror) == before, "the mirror is exactly as it was")
        #expect(try mirror.lastChangeID() == feed)
        return error?.problems.map(\.description) ?? []
    }

    @Test("a missing required column names the file, the column and what the header has")
    func missingColumn() throws {
        let p = try rejected(["order_lines.csv": "order_id,line_no,sku,unit_price\nSO-1,1,MX-200,70"])
        #expect(p == ["order_lines.csv:1: field 'qty': required column is missing (the header has: order_id, line_no, sku, unit_price)"])
    }

    @Test("a negative quantity is refused")
    func negativeQuantity() throws {
        let p = try rejected(["inventory.csv": "warehouse_id,sku,on_hand\nDAL,MX-200,40\nCHI,MX-200,-3"])
        #expect(p == ["inventory.csv:3: field 'on_hand': value '-3': is not a whole number >= 0"])
    }

    @Test("a quantity that is not a whole number is refused")
    func fractionalQuantity() throws {
        let p = try rejected(["order_lines.csv": "order_id,line_no,sku,qty\nSO-1,1,MX-200,2.5\nSO-1,2,GL-1,ten"])
        #expect(p == ["order_lines.csv:2: field 'qty': value '2.5': is not a whole number >= 0",
                      "order_lines.csv:3: field 'qty': value 'ten': is not a whole number >= 0"])
    }

    @Test("an unknown warehouse is refused, naming where it was expected")
    func unknownWarehouse() throws {
        let p = try rejected(["receipts.csv": "receipt_id,warehouse_id,sku,qty,eta\nPO-9,ATL,MX-200,5,2026-12-09"])
        #expect(p == ["receipts.csv:2: field 'warehouse_id': value 'ATL': unknown warehouse (not in warehouses.csv)"])
    }

    @Test("an unknown sku is refused, also against the mirror when items.csv is not imported")
    func unknownSKU() throws {
        var base = Fixture.basic
        base["items.csv"] = nil
        let mirror = try Fixture.mirror()
        try SnapshotImporter(mirror: mirror).importSnapshot(directory: try Fixture.folder().path)
        let before = try Fixture.dump(mirror)
        let dir = try Fixture.folder(base, ["order_lines.csv": "order_id,line_no,sku,qty\nSO-1,1,MX-999,5"])
        let error = #expect(throws: SnapshotRejected.self) {
            try SnapshotImporter(mirror: mirror).importSnapshot(directory: dir.path)
        }
        #expect(error?.problems.map(\.description) ==
                ["order_lines.csv:2: field 'sku': value 'MX-999': unknown sku (not in the mirror, and items.csv is not part of this import)"])
        #expect(try Fixture.dump(mirror) == before)
    }

    @Test("a quoted cell spanning lines does not shift the line numbers of the rows after it")
    func quotedLineBreaks() throws {
        let p = try rejected(["customers.csv": "customer_id,name,tier,region,credit_limit\nC1,\"Acme\nHospital\r\nNorth\",strategic,south,100\n"
                                + "C2,Beta Retail,B,midwest,5000\nC3,Gamma Shop,C,south,lots"])
        #expect(p == ["customers.csv:6: field 'credit_limit': value 'lots': is not a decimal number >= 0"])
    }

    @Test("a malformed or impossible date is refused")
    func malformedDate() throws {
        let p = try rejected(["orders.csv": """
            order_id,customer_id,order_date,requested_date
            SO-1,C1,2026-11-27,12/01/2026
            SO-2,C2,2026-02-30,2026-12-02
            SO-3,C3,2026-11-28,2026-12-03
            """])
        #expect(p == ["orders.csv:2: field 'requested_date': value '12/01/2026': is not a date YYYY-MM-DD",
                      "orders.csv:3: field 'order_date': value '2026-02-30': is not a date YYYY-MM-DD"])
    }

    @Test("a duplicate key names both lines")
    func duplicateKey() throws {
        let p = try rejected(["order_lines.csv": "order_id,line_no,sku,qty\nSO-1,1,MX-200,5\nSO-2,1,MX-200,5\nSO-1,1,GL-1,7"])
        #expect(p == ["order_lines.csv:4: field 'order_id, line_no': value 'SO-1, 1': duplicate key: line 2 has the same"])
    }

    @Test("an empty file is refused: a header row is required")
    func emptyFile() throws {
        let p = try rejected(folder: try Fixture.folder(file: "items.csv", bytes: []))
        #expect(p == ["items.csv: the file is empty; a header row naming the columns is required"])
    }

    @Test("a file that is not UTF-8 is refused, naming the line of the first bad byte")
    func notUTF8() throws {
        // "Caf\xE9" is Latin-1, as an old ERP export might write it.
        let bytes = Array("customer_id,name,tier\nC1,Acme,A\nC2,Caf".utf8) + [0xE9] + Array(",B\n".utf8)
        let p = try rejected(folder: try Fixture.folder(file: "customers.csv", bytes: bytes))
        #expect(p == ["customers.csv:3: is not UTF-8 text (invalid byte at offset 38); save the file as UTF-8"])
    }

    @Test("a value outside its list or range is refused")
    func enumsAndRanges() throws {
        let p = try rejected(["customers.csv": """
            customer_id,tier,credit_status,service_target
            C1,strategic,blocked,0.9
            C2,B,ok,1.5
            C3,C,ok,
            """])
        #expect(p == ["customers.csv:2: field 'credit_status': value 'blocked': is not one of ok, hold",
                      "customers.csv:3: field 'service_target': value '1.5': is not a decimal number between 0 and 1"])
    }

    @Test("a required cell left empty is refused")
    func emptyRequiredCell() throws {
        let p = try rejected(["lanes.csv": "from_warehouse,to_region,transit_days,cost_per_unit\nDAL,south,,0.8"])
        #expect(p == ["lanes.csv:2: field 'transit_days': value '': is required"])
    }

    @Test("problems in several files are all named in one run")
    func everyProblemNamed() throws {
        let p = try rejected([
            "inventory.csv": "warehouse_id,sku,on_hand\nDAL,MX-200,-1",
            "receipts.csv": "receipt_id,warehouse_id,sku,qty,eta\nPO-1,DAL,MX-200,5,soon",
        ])
        #expect(p.count == 2)
        #expect(p.contains { $0.hasPrefix("inventory.csv:2:") } && p.contains { $0.hasPrefix("receipts.csv:2:") })
    }

    @Test("a bad policy.toml is refused with its line and key")
    func badPolicy() throws {
        let p = try rejected(["policy.toml": "[cost]\nsplit_penalty = -4"])
        #expect(p.count == 1)
        #expect(p.first?.hasPrefix("policy.toml") == true && p.first?.contains("cost.split_penalty") == true)
    }

    @Test("a folder with no snapshot files is refused")
    func noFiles() throws {
        let dir = Scratch.url("allot-empty")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let p = try rejected(folder: dir)
        #expect(p.count == 1 && p[0].contains("no snapshot files here"))
    }
}
