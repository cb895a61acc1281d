import Testing
import Foundation
import Synchronization
import GRDB
@testable import AllotStore
import AllotCore

@Suite("Two terminals deciding at once")
struct ConcurrencyTests {
    typealias F = GovernanceFixture

    @Test("two connections on one mirror file race on the same lines: each line is decided exactly once, nothing is lost")
    func twoConnections() throws {
        let path = F.tempPath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let seeded = try F.mirror(path: path)
        // Many lines of one sku, all recommended the same 1 unit from CHI.
        try seeded.db.write { db in
            try db.execute(sql: "INSERT INTO sales_order(order_id, customer_id, order_date, requested_date) VALUES ('RACE','ACME','2026-11-28','2026-12-02')")
            for i in 1...30 { try db.execute(sql: "INSERT INTO order_line(order_id, line_no, sku, qty) VALUES ('RACE', ?, 'MX-200', 1)", arguments: [i]) }
        }
        let keys = (1...30).map { LineKey(orderID: "RACE", lineNo: $0) }
        let one = Allocation(warehouseID: "DAL", qty: 1, source: .onHand, shipDate: F.asOf + 1, arrivalDate: F.asOf + 3, cost: 1)
        let lines = keys.map { F.line($0.orderID, $0.lineNo, requested: 1, class: 1, [one]) }
        _ = try PlanStore(mirror: seeded).save(Plan(asOf: F.asOf, policyVersion: "v", lines: lines, summary: PlanSummary()),
                                               snapshot: try seeded.loadSnapshot(), policy: Policy(), inputHash: "race", now: Timestamp(seconds: 5_000))

        @Sendable func racer(_ author: DecisionAuthor) -> @Sendable () throws -> [LineKey] {
            return {
                let store = DecisionStore(mirror: try Mirror(path: path))
                var won: [LineKey] = []
                for k in keys {
                    // Read what the terminal shows, then decide on it: the other terminal may get in between.
                    let s = try store.situation(k)!
                    let seen = SeenVersion(lineVersion: s.version, recommendationVersion: s.recommendation?.version)
                    do {
                        try store.decide(LineDecision(line: k, action: .accept, actor: author, seen: seen))
                        won.append(k)
                    } catch is DecisionRefusal {}
                }
                return won
            }
        }
        let authors = [F.pat, F.pia]
        let results = Mutex<[Int: Result<[LineKey], any Error>]>([:])
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let r = Result { try racer(authors[i])() }
            results.withLock { $0[i] = r }
        }
        let all = results.withLock { $0 }
        let wonA = try all[0]!.get(), wonB = try all[1]!.get()
        #expect(Set(wonA).isDisjoint(with: Set(wonB)))
        #expect(Set(wonA).union(Set(wonB)) == Set(keys))
        let check = DecisionStore(mirror: try Mirror(path: path))
        for k in keys {
            let h = try check.history(k)
            #expect(h.count == 1, "\(k) has \(h.count) decisions")
            #expect(try check.lineState(k)?.version == 1)
        }
        #expect(try check.verifyAudit().isIntact)
        #expect(try check.auditEntries().count == keys.count)
    }
}
