import Testing
import Foundation
import GRDB
@testable import AllotStore
import AllotCore
import AllotTestSupport

@Suite("Importing generated scenarios and the bundled samples")
struct GeneratedAndSampleImportTests {
    /// `SampleData/` of this source tree.
    static let sampleRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("SampleData")

    /// Every scenario folder under SampleData (a folder holding warehouses.csv).
    static let scenarios: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: sampleRoot.path)) ?? [])
        .filter { FileManager.default.fileExists(atPath: sampleRoot.appendingPathComponent($0).appendingPathComponent("warehouses.csv").path) }
        .sorted()

    @Test("both bundled scenarios are among the samples imported below")
    func scenariosAreBundled() {
        #expect(Self.scenarios.contains("promo-three-warehouses"))
        #expect(Self.scenarios.contains("medical-supplies"))
    }

    @Test("each sample scenario imports cleanly, and importing it again changes nothing", arguments: scenarios)
    func sample(_ name: String) throws {
        let mirror = try Fixture.mirror()
        let dir = Self.sampleRoot.appendingPathComponent(name).path
        let first = try SnapshotImporter(mirror: mirror).importSnapshot(directory: dir)
        #expect(first.applied > 0 && first.rejected == 0)
        #expect(try Fixture.count(mirror, "order_line") > 0)
        #expect(try mirror.loadSnapshot().users.count >= 4)
        let before = try Fixture.dump(mirror)
        let again = try SnapshotImporter(mirror: mirror).importSnapshot(directory: dir)
        #expect(again.applied == 0)
        #expect(try Fixture.dump(mirror) == before)
    }

    @Test("a generated scenario imports cleanly, and importing it again changes nothing")
    func generated() throws {
        let snapshot = ScenarioGenerator(.init(orderLines: 3_000, skus: 200, warehouses: 4, seed: 3)).generate()
        let dir = Scratch.url("allot-gen").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try SnapshotWriter.write(snapshot, policyTOML: ScenarioGenerator.policyTOML, to: dir)
        let mirror = try Fixture.mirror()
        let first = try SnapshotImporter(mirror: mirror).importSnapshot(directory: dir)
        #expect(first.rejected == 0)
        let loaded = try mirror.loadSnapshot()
        #expect(loaded.lines == snapshot.lines.sorted { $0.key < $1.key })
        #expect(loaded.orders == snapshot.orders.sorted { $0.id < $1.id })
        #expect(loaded.inventory.count == snapshot.inventory.count && loaded.receipts.count == snapshot.receipts.count)
        // Every value the generator made reads back exactly (the mirror may list rows in another order): a plan of the
        // generated snapshot is then a plan of its files.
        #expect(Set(loaded.warehouses) == Set(snapshot.warehouses) && Set(loaded.customers) == Set(snapshot.customers))
        #expect(Set(loaded.items) == Set(snapshot.items))
        #expect(Set(loaded.lanes) == Set(snapshot.lanes))
        #expect(Set(loaded.transfers) == Set(snapshot.transfers))
        #expect(Set(loaded.receipts) == Set(snapshot.receipts) && Set(loaded.inventory) == Set(snapshot.inventory))
        #expect(Set(loaded.substitutes) == Set(snapshot.substitutes) && Set(loaded.commitments) == Set(snapshot.commitments)
                && Set(loaded.quotas) == Set(snapshot.quotas))
        #expect(try mirror.storedPolicy().version == "synthetic-1")
        #expect(try mirror.db.read { try Row.fetchAll($0, sql: "PRAGMA foreign_key_check") }.isEmpty,
                "a first load checks references itself; the mirror holds no dangling one")
        #expect(try mirror.db.read { try Int.fetchOne($0, sql: "PRAGMA foreign_keys") } == 1)
        let before = try Fixture.dump(mirror)
        let again = try SnapshotImporter(mirror: mirror).importSnapshot(directory: dir)
        #expect(again.applied == 0 && again.duplicate == first.applied - 1)
        #expect(try Fixture.dump(mirror) == before)
    }

    @Test("the writer quotes cells holding commas, quotes and line breaks, and the reader reads them back")
    func quoting() throws {
        var s = Snapshot()
        s.warehouses = [Warehouse(id: "W1", name: "Dock \"A\", north\nside", region: "R1")]
        let dir = Scratch.url("allot-q").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try SnapshotWriter.write(s, policyTOML: nil, to: dir)
        let mirror = try Fixture.mirror()
        try SnapshotImporter(mirror: mirror).importSnapshot(directory: dir)
        #expect(try mirror.loadSnapshot().warehouses == s.warehouses)
    }

    @Test("a bad file late in a large first load leaves the new mirror empty")
    func lateProblemRollsBack() throws {
        let snapshot = ScenarioGenerator(.init(orderLines: 30_000, skus: 300, warehouses: 3, seed: 4)).generate()
        let dir = Scratch.url("allot-late").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try SnapshotWriter.write(snapshot, policyTOML: nil, to: dir)
        let handle = try #require(FileHandle(forWritingAtPath: dir + "/order_lines.csv"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("SO-0000001,99,NO-SUCH-SKU,5,,,\n".utf8))
        try handle.close()
        let mirror = try Fixture.mirror()
        let error = #expect(throws: SnapshotRejected.self) {
            try SnapshotImporter(mirror: mirror).importSnapshot(directory: dir)
        }
        #expect(error?.problems.map(\.description) ==
                ["order_lines.csv:30002: field 'sku': value 'NO-SUCH-SKU': unknown sku (not in items.csv)"])
        #expect(try mirror.isEmpty())
        for table in Schema.mirrorTables { #expect(try Fixture.count(mirror, table) == 0, "\(table)") }
        #expect(try mirror.db.read { try Int.fetchOne($0, sql: "PRAGMA foreign_keys") } == 1)
    }
}

@Suite("Held orders on the medical sample")
struct SampleHeldOrdersTests {
    @Test("an order waiting on the customer names each exception type of its lines once, in the contract's order")
    func reasonsOnce() throws {
        let mirror = try Fixture.mirror()
        try SnapshotImporter(mirror: mirror).importSnapshot(
            directory: GeneratedAndSampleImportTests.sampleRoot.appendingPathComponent("medical-supplies").path)
        let snapshot = try mirror.loadSnapshot(), policy = try mirror.storedPolicy(), day = Day("2026-11-29")!
        let plan = Engine.plan(snapshot: snapshot, policy: policy, asOf: day)
        try PlanStore(mirror: mirror).save(plan, snapshot: snapshot, policy: policy,
                                           inputHash: PlanStore.inputHash(snapshot: snapshot, policy: policy, asOf: day))
        let waiting = try WorkbenchReads(mirror: mirror).heldOrders().filter { $0.kind == .waitingOnCustomer }
        #expect(!waiting.isEmpty)
        for o in waiting {
            let kinds = o.reason.split(separator: " ").map { ExceptionKind(rawValue: String($0)) }
            #expect(!kinds.contains(nil) && kinds == Array(Set(kinds)).sorted { $0! < $1! }, "\(o.orderID): \(o.reason)")
            // Every type of its lines in review for customer service, and no other.
            let types = Set(plan.lines.filter { $0.orderID == o.orderID && $0.status == .review && Engine.queue(for: $0, policy: policy) == .customerService }
                .flatMap(\.exceptions))
            #expect(Set(kinds.compactMap { $0 }) == types, "\(o.orderID): \(o.reason)")
        }
        // SO-5087's lines are LATE EXPEDITE and LATE STALE_DATA: one LATE.
        #expect(waiting.first { $0.orderID == "SO-5087" }?.reason == "LATE EXPEDITE STALE_DATA")
    }
}
