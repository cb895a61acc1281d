import Testing
import Foundation
@testable import AllotStore
import AllotCore

/// The replanner over random files of mixed events on the promotion sample (ship-complete orders, substitutes):
/// after every file, re-planned from its patched in-memory index, the stored plan is the full plan of the mirror.
@Suite("Incremental re-plan over random event files")
struct IncrementalReplanSequenceTests {
    typealias F = DropFixture

    /// A random event line on the snapshot: a stock count or adjustment, a receipt moved or new, an order edited, new,
    /// held, released or cancelled.
    static func randomEvent(_ n: Int, _ s: Snapshot, _ rng: inout SeededRandom) -> String {
        func pick<T>(_ list: [T]) -> T { list[Int(rng.next() % UInt64(list.count))] }
        func num(_ k: Int) -> Int { Int(rng.next() % UInt64(k)) }
        let w = pick(s.warehouses).id, sku = pick(s.items).sku
        switch num(9) {
        case 0, 1:
            return F.stock("e\(n)", n, w, sku, num(3) == 0 ? 0 : num(400))
        case 2:
            return F.event("e\(n)", n, "inventory.adjusted", #"{"warehouse_id":"\#(w)","sku":"\#(sku)","delta":\#(1 + num(30))}"#, source: "wms")
        case 3:
            let r = num(2) == 0 || s.receipts.isEmpty ? nil : pick(s.receipts)
            let id = r?.id ?? "PO-R\(n)"
            return F.event("e\(n)", n, "receipt.upserted",
                           #"{"receipt_id":"\#(id)","warehouse_id":"\#(r?.warehouseID ?? w)","sku":"\#(r?.sku ?? sku)","qty":\#(5 + num(150)),"eta":"2026-12-0\#(1 + num(8))"}"#)
        case 4, 5, 6:
            let o = pick(s.orders)
            let isNew = num(4) == 0
            let lines = (1...(1 + num(3))).map { k in #"{"line_no":\#(k),"sku":"\#(pick(s.items).sku)","qty":\#(1 + num(60))}"# }
            return F.event("e\(n)", n, "order.upserted",
                           #"{"order_id":"\#(isNew ? "SO-R\(n)" : o.id)","customer_id":"\#(o.customerID)","order_date":"\#(o.orderDate)","requested_date":"2026-12-0\#(1 + num(8))","ship_complete":\#(num(2) == 0),"lines":[\#(lines.joined(separator: ","))]}"#)
        default:
            let type = ["order.held", "order.released", "order.released", "order.cancelled"][num(4)]
            return F.event("e\(n)", n, type, #"{"order_id":"\#(pick(s.orders).id)","reason":"test"}"#)
        }
    }

    /// The promotion sample planned in full, a replanner caught up with it, and random event lines to drop on it.
    struct RandomFeed {
        let mirror: Mirror
        let f: F
        let replanner: IncrementalReplanner
        var rng: SeededRandom
        var n = 0

        init(seed: Int) throws {
            mirror = try SampleStoryTests.imported("promo-three-warehouses")
            _ = try IncrementalReplanTests.planFully(mirror)
            f = try F(mirror: mirror)
            replanner = IncrementalReplanner(mirror: mirror)
            // The plan was stored without its feed position: the first catch-up takes the sample's load again, in full.
            _ = try replanner.catchUp()
            rng = SeededRandom(state: UInt64(seed))
        }

        /// Between `least` and `least + 5` random event lines on the mirror as it is now.
        mutating func lines(atLeast least: Int) throws -> [String] {
            let snapshot = try mirror.loadSnapshot()
            var lines: [String] = []
            for _ in 0..<(least + Int(rng.next() % 6)) { n += 1; lines.append(IncrementalReplanSequenceTests.randomEvent(n, snapshot, &rng)) }
            return lines
        }
    }

    @Test("a catch-up abandoned part way changes nothing stored; the next one, with newer files, stores the full plan",
          arguments: [31, 32])
    func abandonedCatchUps(seed: Int) throws {
        var feed = try RandomFeed(seed: seed)
        let (mirror, replanner) = (feed.mirror, feed.replanner)
        func dropRandom(_ name: String) throws {
            try feed.f.drop(name, try feed.lines(atLeast: 2))
            _ = try feed.f.intake.processPending()
        }
        for round in 1...4 {
            try dropRandom(String(format: "erp-%03d-a.jsonl", round))
            let stored = try IncrementalReplanTests.stored(mirror)
            let cursor = try replanner.cursor()
            // Stop after a few groups (none, in the first round): nothing is stored, the cursor stays.
            let asked = Locked(0)
            let outcome = try replanner.catchUp(abandonIf: { asked.update { $0 += 1 }; return asked.value > round - 1 })
            #expect(outcome?.abandoned == true, "round \(round): \(String(describing: outcome))")
            #expect(try IncrementalReplanTests.stored(mirror) == stored)
            #expect(try replanner.cursor() == cursor)
            // Newer changes land; the next catch-up takes both files' changes.
            if round % 2 == 0 { try dropRandom(String(format: "erp-%03d-b.jsonl", round)) }
            let next = try replanner.catchUp()
            #expect(next.map { !$0.abandoned && !$0.full } == true)
            let full = try IncrementalReplanTests.fullPlan(mirror)
            #expect(replanner.latestPlan?.lines == full.lines, "round \(round)")
            #expect(try IncrementalReplanTests.stored(mirror) == full.lines.map(IncrementalReplanTests.row), "round \(round)")
            #expect(try replanner.cursor() == (try mirror.lastChangeID()))
        }
    }

    @Test("after each file of random stock, receipt, order, hold and cancel events, the stored plan and the replanner's plan equal a full plan",
          arguments: [11, 12])
    func randomFiles(seed: Int) throws {
        var feed = try RandomFeed(seed: seed)
        let (mirror, f, replanner) = (feed.mirror, feed.f, feed.replanner)
        for file in 1...8 {
            let lines = try feed.lines(atLeast: 1)
            try f.drop(String(format: "erp-%03d.jsonl", file), lines)
            var outcomes: [IncrementalReplanner.Outcome] = []
            _ = try f.intake.processPending(afterEach: { _ in if let o = try replanner.catchUp() { outcomes.append(o) } })
            let full = try IncrementalReplanTests.fullPlan(mirror)
            #expect(outcomes.allSatisfy { !$0.full }, "file \(file)")
            #expect(replanner.latestPlan?.lines == full.lines, "file \(file): \(lines)")
            #expect(replanner.latestPlan?.summary == full.summary, "file \(file)")
            #expect(try IncrementalReplanTests.stored(mirror) == full.lines.map(IncrementalReplanTests.row), "file \(file)")
            if replanner.latestPlan?.lines != full.lines { return }
        }
    }
}
