import Testing
import Foundation
import GRDB
@testable import AllotStore
import AllotCore

/// An approved rebalancing transfer is a real transfer: held at the sender, inbound at the receiver (the next plan
/// draws on it), an outbox event for the ERP/WMS and an audit entry — all or nothing.
@Suite("Approved rebalancing transfers")
struct TransferApprovalTests {
    static let asOf = Day("2026-11-29")!
    /// CHI holds 10 MX-200 free; DAL (30 free) is short for SO-1:1 (60 wanted 12-01). The move lands at DAL on 11-30.
    static let move = TransferRecommendation(id: "RB:MX-200:CHI>DAL", sku: "MX-200", from: "CHI", to: "DAL", qty: 6,
                                             arrivalDate: Day("2026-11-30")!, cost: 3.0)

    static func mirror() throws -> Mirror {
        let m = try Fixture.mirror()
        try SnapshotImporter(mirror: m).importSnapshot(directory: try Fixture.folder().path)
        return m
    }

    @Test("a supervisor's approval holds the units at the sender and adds inbound supply the next plan draws on")
    func becomesSupply() throws {
        let m = try Self.mirror()
        let approved = try TransferApprovals(mirror: m).approve(Self.move, user: "sam", note: "promo week")
        let snapshot = try m.loadSnapshot()
        let receipt = try #require(snapshot.receipts.first { $0.id == approved.receiptID })
        #expect((receipt.warehouseID, receipt.sku, receipt.qty, receipt.eta) == ("DAL", "MX-200", 6, Day("2026-11-30")!))
        #expect(receipt.kind == .transfer)
        let chi = try #require(snapshot.inventory.first { $0.warehouseID == "CHI" && $0.sku == "MX-200" })
        #expect(chi.reserved == 6, "the sender holds the moved units until the WMS reports the move")
        // The engine offers SO-1:1 (at DAL's region) the 6 units arriving at DAL, from their arrival date on.
        let e = try #require(Engine.explain(LineKey(orderID: "SO-1", lineNo: 1), index: PlanningIndex(snapshot), policy: try m.storedPolicy(), asOf: Self.asOf))
        let option = try #require(e.options.first { $0.source == .receipt(approved.receiptID) })
        #expect(option.warehouseID == "DAL" && option.atp == 6)
        #expect(option.shipDate.map { $0 >= Day("2026-11-30")! } == true)
        #expect(try TransferApprovals(mirror: m).all().first?.receiptID == approved.receiptID)
    }

    @Test("the approval sends the ERP/WMS a receipt.upserted event of kind transfer and is in the audit log")
    func eventAndAudit() throws {
        let m = try Self.mirror()
        let approved = try TransferApprovals(mirror: m).approve(Self.move, user: "sam", note: nil)
        let events = try DecisionStore(mirror: m).pendingEvents()
        let event = try #require(events.first { $0.id == approved.eventID })
        #expect(event.type == "receipt.upserted")
        let line = try #require(JSONSerialization.jsonObject(with: Data(event.jsonLine.utf8)) as? [String: Any])
        #expect(line["source"] as? String == "allot" && line["type"] as? String == "receipt.upserted")
        let data = try #require(line["data"] as? [String: Any])
        #expect(data["receipt_id"] as? String == approved.receiptID)
        #expect(data["warehouse_id"] as? String == "DAL" && data["from_warehouse"] as? String == "CHI")
        #expect(data["sku"] as? String == "MX-200" && data["qty"] as? Int == 6)
        #expect(data["eta"] as? String == "2026-11-30" && data["kind"] as? String == "transfer")
        let audit = try DecisionStore(mirror: m).auditEntries()
        let entry = try #require(audit.first { $0.action == "approve_transfer" })
        #expect(entry.user == "sam" && entry.role == "supervisor" && entry.detail?.contains(approved.receiptID) == true)
        #expect(try DecisionStore(mirror: m).verifyAudit().isIntact)
    }

    @Test("a planner cannot approve, and a move larger than the sender's free stock is refused; neither writes anything")
    func refusals() throws {
        let m = try Self.mirror()
        let before = try Fixture.dump(m)
        #expect(throws: TransferApprovals.Refusal.self) { try TransferApprovals(mirror: m).approve(Self.move, user: "pat", note: nil) }
        var tooMany = Self.move
        tooMany.qty = 11
        #expect(throws: TransferApprovals.Refusal.self) { try TransferApprovals(mirror: m).approve(tooMany, user: "sam", note: nil) }
        #expect(try Fixture.dump(m) == before)
        #expect(try Fixture.count(m, "outbox") == 0 && Fixture.count(m, "audit_log") == 0 && Fixture.count(m, "transfer_approval") == 0)
    }
}
