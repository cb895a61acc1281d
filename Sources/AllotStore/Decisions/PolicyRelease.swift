import Foundation
import GRDB
import AllotCore

extension DecisionStore {
    /// Releases every line of plan `planID` whose recommendation has status `auto` and that nobody decided yet:
    /// each becomes a decision authored by the policy version (`policy:<version>`), with its reservation,
    /// audit entry and `allocation.released` event, all in one transaction. `allot plan --release` calls it after saving.
    /// Returns the number of lines released. Lines in `holding` stay for a person even when their status is
    /// `auto` (the insight signals the policy's `[insight]` thresholds hold back: `InsightGate.linesToHold`).
    @discardableResult
    public func recordPolicyReleases(planID: String, now: Timestamp = Timestamp(seconds: Date().timeIntervalSince1970),
                                     holding: Set<LineKey> = []) throws -> Int {
        let policy = try mirror.storedPolicy()
        return try mirror.db.write { db in
            try Invalidation.apply(db, now: now)
            guard let version = try String.fetchOne(db, sql: "SELECT policy_version FROM plan WHERE plan_id = ?", arguments: [planID]) else {
                return 0
            }
            guard policy.autoRelease.enabled else { return 0 }
            let actor = DecisionAuthor.policy(version: version)
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM (\(PlanStore.select) WHERE plan_id = ? AND status = 'auto' AND allocated > 0) r
                WHERE NOT EXISTS (SELECT 1 FROM line_state s WHERE s.order_id = r.order_id AND s.line_no = r.line_no)
                  AND NOT EXISTS (SELECT 1 FROM reservation v WHERE v.order_id = r.order_id AND v.line_no = r.line_no)
                ORDER BY r.order_id, r.line_no
                """, arguments: [planID])
            var released = 0
            for row in rows {
                let stored = try PlanStore.decode(row)
                if holding.contains(stored.key) { continue }
                let s = LineSituation(key: stored.key, recommendation: CurrentRecommendation(planID: planID, version: stored.version, line: stored.recommendation))
                let request = LineDecision(line: stored.key, action: .release, actor: actor)
                guard case .success(let outcome) = Workflow.decide(request, situation: s, policy: policy) else { continue }
                _ = try DecisionWriter.apply(db, outcome, addressed: s, all: [s], planID: planID, now: now)
                released += 1
            }
            return released
        }
    }
}
