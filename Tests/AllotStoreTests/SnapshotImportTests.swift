import Testing
import Foundation
import GRDB
@testable import AllotStore
import AllotCore

@Suite("Importing a snapshot folder")
struct SnapshotImportTests {
    @Test("every file of the folder fills its table")
    func loadsEveryFile() throws {
        let mirror = try Fixture.mirror()
        let summary = try SnapshotImporter(mirror: mirror).importSnapshot(directory: try Fixture.folder().path)
        let expected = ["warehouse": 2, "customer": 3, "item": 3, "lane": 4, "transfer": 1, "inventory": 3, "receipt": 2,
                        "sales_order": 3, "order_line": 4, "substitute": 1, "commitment": 1, "quota": 1, "app_user": 2]
        for (table, rows) in expected { #expect(try Fixture.count(mirror, table) == rows, "\(table)") }
        #expect(summary.applied == expected.values.reduce(0, +) + 1)  // every row, and the policy
        #expect(summary.rejected == 0)
        #expect(summary.changes.full)
    }

    @Test("empty cells take the contract's defaults")
    func defaults() throws {
        let mirror = try Fixture.mirror()
        try SnapshotImporter(mirror: mirror).importSnapshot(directory: try Fixture.folder().path)
        let s = try mirror.loadSnapshot()
        let chi = try #require(s.warehouses.first { $0.id == "CHI" })
        #expect(chi.handlingDays == 1 && chi.dailyLineCapacity == nil)
        #expect(s.customers.first { $0.id == "C3" }?.creditStatus == .ok)
        #expect(s.lanes.first { $0.from == "CHI" && $0.toRegion == "midwest" }?.mode == .ground)
        let gl = try #require(s.inventory.first { $0.sku == "GL-1" })
        #expect(gl.reserved == 0 && gl.safetyStock == 0 && gl.asOf == nil)
        let so3 = try #require(s.orders.first { $0.id == "SO-3" })
        #expect(so3.status == .open && !so3.shipComplete && so3.shipToRegion == nil)
        let line = try #require(s.lines.first { $0.orderID == "SO-1" && $0.lineNo == 2 })
        #expect(line.allowPartial && !line.allowSubstitute && line.unitPrice == nil)
        #expect(s.quotas.first?.periodStart == nil)
    }

    @Test("columns may come in any order and unknown columns are ignored")
    func columnOrder() throws {
        let mirror = try Fixture.mirror()
        let dir = try Fixture.folder(Fixture.basic, ["warehouses.csv": """
            region,erp_code,warehouse_id,name
            south,0001,DAL,Dallas DC
            midwest,0002,CHI,"Chicago, IL"
            """])
        try SnapshotImporter(mirror: mirror).importSnapshot(directory: dir.path)
        let w = try mirror.loadSnapshot().warehouses
        #expect(w.map(\.id) == ["CHI", "DAL"])
        #expect(w[0].name == "Chicago, IL" && w[0].region == "midwest")
    }

    @Test("importing the same folder again changes nothing: counts and content are identical")
    func reimportIsIdempotent() throws {
        let mirror = try Fixture.mirror()
        let dir = try Fixture.folder().path
        try SnapshotImporter(mirror: mirror).importSnapshot(directory: dir)
        let before = try Fixture.dump(mirror)
        let changesBefore = try mirror.lastChangeID()
        let again = try SnapshotImporter(mirror: mirror).importSnapshot(directory: dir)
        #expect(try Fixture.dump(mirror) == before)
        #expect(again.applied == 0)
        #expect(again.duplicate == 30, "every row of every file, unchanged")
        #expect(try mirror.lastChangeID() == changesBefore, "a no-op reload adds nothing to the change feed")
    }

    @Test("a file present replaces its table; rows it no longer lists are deleted")
    func fileReplacesTable() throws {
        let mirror = try Fixture.mirror()
        try SnapshotImporter(mirror: mirror).importSnapshot(directory: try Fixture.folder().path)
        let fewer = try Fixture.folder([:], [
            "orders.csv": """
                order_id,customer_id,order_date,requested_date
                SO-1,C1,2026-11-27,2026-12-05
                """,
            "order_lines.csv": """
                order_id,line_no,sku,qty
                SO-1,1,MX-200,61
                """,
        ])
        let summary = try SnapshotImporter(mirror: mirror).importSnapshot(directory: fewer.path)
        let s = try mirror.loadSnapshot()
        #expect(s.orders.map(\.id) == ["SO-1"])
        #expect(s.orders[0].requestedDate == Day("2026-12-05"))
        #expect(s.lines.map(\.qty) == [61])
        #expect(s.warehouses.count == 2, "files absent from the folder leave their tables alone")
        #expect(summary.applied == 1 + 2 + 1 + 3, "an order and a line updated, two orders and three lines deleted")
    }

    @Test("removing a warehouse that kept rows still name is refused")
    func danglingReferencesAreRefused() throws {
        let mirror = try Fixture.mirror()
        try SnapshotImporter(mirror: mirror).importSnapshot(directory: try Fixture.folder().path)
        let before = try Fixture.dump(mirror)
        let dir = try Fixture.folder([:], ["warehouses.csv": "warehouse_id,region\nDAL,south"])
        let error = #expect(throws: SnapshotRejected.self) {
            try SnapshotImporter(mirror: mirror).importSnapshot(directory: dir.path)
        }
        #expect(error?.problems.contains { $0.file == "warehouses.csv" && $0.value == "CHI" } == true)
        #expect(try Fixture.dump(mirror) == before)
    }

    @Test("the snapshot's policy and users are stored with the mirror")
    func policyAndUsers() throws {
        let mirror = try Fixture.mirror()
        try SnapshotImporter(mirror: mirror).importSnapshot(directory: try Fixture.folder().path)
        #expect(try mirror.storedPolicy().version == "fixture-1")
        #expect(try mirror.loadSnapshot().users == [User(name: "pat", role: .planner), User(name: "sam", role: .supervisor)])
    }

    @Test("a snapshot load appends one snapshot entry to the change feed and one import run")
    func changeFeed() throws {
        let mirror = try Fixture.mirror()
        try SnapshotImporter(mirror: mirror).importSnapshot(directory: try Fixture.folder().path)
        let feed = try mirror.changes()
        #expect(feed.count == 1)
        #expect(feed.first?.isSnapshot == true)
        #expect(try Fixture.count(mirror, "import_run") == 1)
    }

    @Test("a new empty mirror is loaded with the sample; a populated one is left alone")
    func sampleOnFirstStart() throws {
        let mirror = try Fixture.mirror()
        let dir = try Fixture.folder().path
        #expect(try mirror.loadSampleIfEmpty(directory: dir) != nil)
        #expect(try !mirror.isEmpty())
        let before = try Fixture.dump(mirror)
        #expect(try mirror.loadSampleIfEmpty(directory: try Fixture.folder([:], ["warehouses.csv": "warehouse_id,region\nX,y"]).path) == nil)
        #expect(try Fixture.dump(mirror) == before)
    }
}
