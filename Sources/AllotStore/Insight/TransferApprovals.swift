import Foundation
import GRDB
import AllotCore

/// Supervisors' approvals of recommended rebalancing transfers, and what an approval sets in motion.
///
/// An approval is a decision, not a note: in one transaction it holds the units at the sending warehouse (its
/// `reserved` grows, as the WMS will report it until the move is picked), adds the move as inbound supply at the
/// receiving warehouse (a `transfer` receipt arriving on the recommended date, which the next plan draws on), puts
/// a `receipt.upserted` event in the outbox so the ERP/WMS executes it, writes the audit entry, and tells the
/// change feed the sku moved (re-plan, re-check decisions). All or nothing.
public struct TransferApprovals {
    public let mirror: Mirror
    public init(mirror: Mirror) { self.mirror = mirror }

    /// Why an approval was refused (nothing was written).
    public struct Refusal: Error, CustomStringConvertible {
        public var description: String
    }

    /// What an approval created.
    public struct Approved: Hashable, Sendable {
        /// The inbound transfer at the receiving warehouse (`receipts.csv`'s `receipt_id`).
        public var receiptID: String
        /// The outbox event's idempotency key.
        public var eventID: String
        public var auditSeq: Int64
    }

    /// Records `user`'s approval of `t` and turns it into a transfer the engine uses; only a supervisor or an admin
    /// may approve, and only while the sending warehouse still has the units free.
    @discardableResult
    public func approve(_ t: TransferRecommendation, user: String, note: String?,
                        now: Timestamp = Timestamp(seconds: Date().timeIntervalSince1970)) throws -> Approved {
        try mirror.db.write { db in
            guard let roleName = try String.fetchOne(db, sql: "SELECT role FROM app_user WHERE user = ?", arguments: [user]) else {
                throw Refusal(description: "unknown user '\(user)' (users.csv lists who may act)")
            }
            guard roleName == Role.supervisor.rawValue || roleName == Role.admin.rawValue else {
                throw Refusal(description: "\(user) is a \(roleName); only a supervisor or an admin approves transfers")
            }
            guard t.qty > 0, t.from != t.to else { throw Refusal(description: "\(t.id): nothing to move") }
            guard let stock = try Row.fetchOne(db, sql: "SELECT on_hand, reserved, safety_stock FROM inventory WHERE warehouse_id = ? AND sku = ?",
                                               arguments: [t.from, t.sku]) else {
                throw Refusal(description: "\(t.from) holds no \(t.sku) in the mirror; nothing was approved")
            }
            // Units Allot already released from this stock: from on hand, sent on by transfer, or given as a substitute.
            let released = try Int.fetchOne(db, sql: """
                SELECT coalesce(sum(qty), 0) FROM reservation
                WHERE (sku = :sku AND warehouse_id = :w AND source = 'on_hand') OR (sku = :sku AND source = 'transfer:' || :w)
                   OR (warehouse_id = :w AND source = 'substitute:' || :sku)
                """, arguments: ["sku": t.sku, "w": t.from]) ?? 0
            let free = (stock[0] as Int) - (stock[1] as Int) - (stock[2] as Int) - released
            guard free >= t.qty else {
                throw Refusal(description: "\(t.from) has only \(max(0, free)) \(t.sku) free now (the recommendation moves \(t.qty)); nothing was approved")
            }
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM warehouse WHERE warehouse_id = ?", arguments: [t.to]) != nil else {
                throw Refusal(description: "no warehouse \(t.to) in the mirror")
            }

            let at = now.description
            try db.execute(sql: """
                INSERT INTO transfer_approval(recommendation_id, sku, from_warehouse, to_warehouse, qty, arrival_date, cost, approved_by, approved_at, note)
                VALUES (?,?,?,?,?,?,?,?,?,?)
                """, arguments: [t.id, t.sku, t.from, t.to, t.qty, t.arrivalDate.description, t.cost, user, at, note])
            let approvalID = db.lastInsertedRowID
            let receiptID = "ALLOT-TR-\(approvalID)"
            try db.execute(sql: "UPDATE transfer_approval SET receipt_id = ? WHERE id = ?", arguments: [receiptID, approvalID])

            // The sending warehouse holds the units until the WMS reports the move picked (its next count).
            try db.execute(sql: "UPDATE inventory SET reserved = reserved + ? WHERE warehouse_id = ? AND sku = ?", arguments: [t.qty, t.from, t.sku])
            // The receiving warehouse expects them: inbound supply the engine draws on from the arrival date.
            try db.execute(sql: "INSERT INTO receipt(receipt_id, warehouse_id, sku, qty, eta, kind) VALUES (?, ?, ?, ?, ?, 'transfer')",
                           arguments: [receiptID, t.to, t.sku, t.qty, t.arrivalDate.description])

            // The contract has no outbound transfer event; the closest documented one is `receipt.upserted` with
            // receipts.csv's columns (kind `transfer`), plus the sending warehouse and cost (extra keys are ignored).
            let event = TransferEvent(receiptID: receiptID, warehouseID: t.to, sku: t.sku, qty: t.qty, eta: t.arrivalDate.description,
                                      fromWarehouse: t.from, cost: t.cost, recommendationID: t.id, approvedBy: user)
            let eventID = "allot-transfer-\(receiptID.lowercased())"
            try db.execute(sql: """
                INSERT INTO outbox(event_id, type, at, order_id, line_no, decision_id, data_json) VALUES (?, 'receipt.upserted', ?, ?, NULL, NULL, ?)
                """, arguments: [eventID, at, receiptID, String(decoding: try JSONEncoder.outbox.encode(event), as: UTF8.self)])

            let entry = try AuditLog.append(db, AuditEntry(
                seq: 0, at: at, user: user, role: roleName, action: "approve_transfer", orderID: nil, lineNo: nil, reasonCode: nil,
                note: note, planID: nil, recVersion: nil, stateBefore: "recommended", stateAfter: "approved", before: nil,
                after: String(decoding: try JSONEncoder.outbox.encode(event), as: UTF8.self),
                detail: "\(t.id): \(t.qty) × \(t.sku) \(t.from)→\(t.to) arriving \(t.arrivalDate) as receipt \(receiptID), cost \(Fmt.fixed(t.cost, 2))",
                prevHash: "", hash: ""))
            try ChangeFeed.append(db, at: at, source: "allot", kind: "transfer.approved", sku: t.sku,
                                  detail: "\(t.from)→\(t.to) \(t.qty) as \(receiptID)")
            return Approved(receiptID: receiptID, eventID: eventID, auditSeq: entry.seq)
        }
    }

    /// Approvals, newest first.
    public func all() throws -> [(id: String, qty: Int, by: String, at: String, receiptID: String?)] {
        try mirror.db.read { db in
            try Row.fetchAll(db, sql: "SELECT recommendation_id, qty, approved_by, approved_at, receipt_id FROM transfer_approval ORDER BY id DESC")
                .map { ($0[0], $0[1], $0[2], $0[3], $0[4]) }
        }
    }
}

/// The outbox event's `data`: receipts.csv's columns for the inbound transfer, and where it comes from.
struct TransferEvent: Encodable {
    var receiptID: String, warehouseID: String, sku: String, qty: Int, eta: String
    var kind = "transfer"
    var fromWarehouse: String, cost: Double, recommendationID: String, approvedBy: String
    init(receiptID: String, warehouseID: String, sku: String, qty: Int, eta: String, fromWarehouse: String, cost: Double,
         recommendationID: String, approvedBy: String) {
        self.receiptID = receiptID; self.warehouseID = warehouseID; self.sku = sku; self.qty = qty; self.eta = eta
        self.fromWarehouse = fromWarehouse; self.cost = cost; self.recommendationID = recommendationID; self.approvedBy = approvedBy
    }
    enum CodingKeys: String, CodingKey {
        case receiptID = "receipt_id", warehouseID = "warehouse_id", sku, qty, eta, kind, fromWarehouse = "from_warehouse", cost,
             recommendationID = "recommendation_id", approvedBy = "approved_by"
    }
}
