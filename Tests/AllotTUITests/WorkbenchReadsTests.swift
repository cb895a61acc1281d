import Testing
import Foundation
import AllotCore
import AllotStore
@testable import AllotTUI
import AllotTestSupport

@Suite("Workbench reads over the mirror")
struct WorkbenchReadsTests {
    @Test("the queue holds the lines needing a person, in priority order, never auto or held lines")
    func queueLines() throws {
        let reads = WorkbenchReads(mirror: try Fixture.mirror())
        let rows = try reads.queuePage(QueueQuery(), from: .first, limit: 50)
        #expect(rows.map(\.key.description) == ["SO-1001:1", "SO-1002:1", "SO-1003:1", "SO-1003:2"])
        #expect(rows[1].customerName == "東京商事" && rows[1].tier == "A")
        #expect(rows[0].allocations.map(\.warehouseID) == ["DAL", "ATL"])
        #expect(rows[1].exceptions == [.shortage, .late])
    }

    @Test("keyset pages in every sort order join up to the whole queue, forwards and backwards")
    func keysetPaging() throws {
        let m = try Mirror()
        try SyntheticPlan.fill(m, lines: 900, seed: 7)
        let reads = WorkbenchReads(mirror: m)
        for sort in QueueSort.allCases {
            let q = QueueQuery(sort: sort)
            let all = try reads.queuePage(q, from: .first, limit: 10_000)
            #expect(all.count == (try reads.queueCounts(q.filter)).total, "\(sort)")
            var forward: [QueueRow] = []
            var page = try reads.queuePage(q, from: .first, limit: 37)
            while !page.isEmpty { forward += page; page = try reads.queuePage(q, from: .after(page.last!.sortKey), limit: 37) }
            #expect(forward.map(\.key) == all.map(\.key), "forward \(sort)")
            var backward: [QueueRow] = []
            page = try reads.queuePage(q, from: .last, limit: 41)
            while !page.isEmpty { backward = page + backward; page = try reads.queuePage(q, from: .before(page.first!.sortKey), limit: 41) }
            #expect(backward.map(\.key) == all.map(\.key), "backward \(sort)")
            // The order really is the sort's order.
            for (a, b) in zip(all, all.dropFirst()) { #expect(!WorkbenchReads.lessThan(sort, b.sortKey, a.sortKey)) }
        }
    }

    @Test("a window around a line holds the line and its neighbours")
    func window() throws {
        let m = try Mirror()
        try SyntheticPlan.fill(m, lines: 300, seed: 3)
        let reads = WorkbenchReads(mirror: m)
        let all = try reads.queuePage(QueueQuery(), from: .first, limit: 1000)
        let target = all[40]
        let w = try reads.queueWindow(QueueQuery(), around: target.sortKey, before: 5, after: 5)
        #expect(!w.reachedStart)
        #expect(w.rows.map(\.key) == all[35...45].map(\.key))
    }

    @Test("filters: type, tier, sku prefix, warehouse and free text, all together")
    func filters() throws {
        let reads = WorkbenchReads(mirror: try Fixture.mirror())
        func keys(_ f: String) throws -> [String] {
            try reads.queuePage(QueueQuery(filter: try QueueFilter(parsing: f)), from: .first, limit: 50).map(\.key.description)
        }
        #expect(try keys("type:SHORTAGE") == ["SO-1002:1", "SO-1003:1"])
        #expect(try keys("type:late") == ["SO-1002:1"])
        #expect(try keys("tier:a") == ["SO-1002:1"])
        #expect(try keys("sku:MX") == ["SO-1001:1", "SO-1002:1", "SO-1003:2"])
        #expect(try keys("wh:atl") == ["SO-1001:1", "SO-1003:1"])
        #expect(try keys("東京") == ["SO-1002:1"])
        #expect(try keys("café type:BACKORDER") == ["SO-1003:2"] || keys("Café type:BACKORDER") == ["SO-1003:2"])
        #expect(try keys("sku:MX wh:RNO") == ["SO-1002:1"])
    }

    @Test("counts per exception type count a line once per type it has")
    func counts() throws {
        let reads = WorkbenchReads(mirror: try Fixture.mirror())
        let c = try reads.queueCounts(QueueFilter())
        #expect(c.total == 4)
        #expect(c.byType == [.split: 1, .shortage: 2, .late: 1, .backorder: 1])
        #expect(try reads.queueCounts(QueueFilter(parsing: "tier:B")).total == 2)
    }

    @Test("held orders list order holds and credit holds with their reasons, oldest first")
    func held() throws {
        let reads = WorkbenchReads(mirror: try Fixture.mirror())
        let h = try reads.heldOrders()
        #expect(h.map(\.orderID) == ["SO-1004", "SO-1005"])
        #expect(h.map(\.kind) == [.creditHold, .orderHold])
        #expect(h[1].reason == "price check\u{7}")
    }

    @Test("the supply picture: ATP per warehouse now, as receipts arrive, and the lines consuming it")
    func supply() throws {
        let reads = WorkbenchReads(mirror: try Fixture.mirror())
        let p = try #require(try reads.supply("MX-200"))
        #expect(p.positions.map(\.availableToPromise) == [20, 40, 0])  // ATL 30-5-5, DAL 40, RNO 0
        let t = p.timeline(from: Fixture.asOf)
        #expect(t.map(\.day.description) == ["2026-11-29", "2026-12-03", "2026-12-06"])
        #expect(t[1].atp["RNO"] == 50 && t[2].atp["DAL"] == 60)
        #expect(p.consumers.map(\.key.description) == ["SO-1001:1", "SO-1002:1"])
        #expect(try reads.supply("NOPE") == nil)
    }

    @Test("a line's detail holds its order's other lines")
    func detail() throws {
        let reads = WorkbenchReads(mirror: try Fixture.mirror())
        let d = try #require(try reads.lineDetail(LineKey(orderID: "SO-1001", lineNo: 1)))
        #expect(d.orderLines.map(\.key.lineNo) == [1, 2])
        #expect(d.rationale.hasPrefix("Strategic customer"))
        #expect(try reads.lineDetail(LineKey(orderID: "SO-9", lineNo: 1)) == nil)
    }

    @Test("the change watch sees a commit made by another connection")
    func changeWatch() throws {
        let path = Scratch.path("allot-watch") + ".sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let m = try Mirror(path: path)
        let watch = try ChangeWatch(mirror: m)
        let before = try watch.version()
        #expect(try watch.version() == before)
        let other = try Mirror(path: path)
        try other.storePolicy(toml: "", file: "policy.toml")
        #expect(try watch.version() != before)
    }
}
