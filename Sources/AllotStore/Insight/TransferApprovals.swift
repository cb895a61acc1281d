import Foundation
import GRDB
import AllotCore

/// Supervisors' approvals of recommended rebalancing transfers.
public struct TransferApprovals {
    public let mirror: Mirror
    public init(mirror: Mirror) { self.mirror = mirror }

    /// Why an approval was refused.
    public struct Refusal: Error, CustomStringConvertible {
        public var description: String
    }

    /// Records `user`'s approval of `t`; only a supervisor or an admin may approve.
    public func approve(_ t: TransferRecommendation, user: String, note: String?) throws {
        try mirror.db.write { db in
            guard let roleName = try String.fetchOne(db, sql: "SELECT role FROM app_user WHERE user = ?", arguments: [user]) else {
                throw Refusal(description: "unknown user '\(user)' (users.csv lists who may act)")
            }
            guard roleName == Role.supervisor.rawValue || roleName == Role.admin.rawValue else {
                throw Refusal(description: "\(user) is a \(roleName); only a supervisor or an admin approves transfers")
            }
            try db.execute(sql: """
                INSERT INTO transfer_approval(recommendation_id, sku, from_warehouse, to_warehouse, qty, arrival_date, cost, approved_by, approved_at, note)
                VALUES (?,?,?,?,?,?,?,?,?,?)
                """, arguments: [t.id, t.sku, t.from, t.to, t.qty, t.arrivalDate.description, t.cost, user,
                                 Timestamp(seconds: Date().timeIntervalSince1970).description, note])
        }
    }

    /// Approvals, newest first.
    public func all() throws -> [(id: String, qty: Int, by: String, at: String)] {
        try mirror.db.read { db in
            try Row.fetchAll(db, sql: "SELECT recommendation_id, qty, approved_by, approved_at FROM transfer_approval ORDER BY id DESC").map { ($0[0], $0[1], $0[2], $0[3]) }
        }
    }
}
