import Testing
import Foundation
import GRDB
@testable import AllotStore
import AllotCore

@Suite("Decisions and the incremental re-plan")
struct DecisionReplanTests {
    typealias R = IncrementalReplanTests
    static let planner = DecisionAuthor.user(User(name: "planner1", role: .planner))
    static let service = DecisionAuthor.user(User(name: "cs1", role: .customerService))

    /// The promo sample, fully planned, with a replanner that has caught up.
    static func planned() throws -> (Mirror, IncrementalReplanner, Plan) {
        let mirror = try SampleStoryTests.imported("promo-three-warehouses")
        let plan = try R.planFully(mirror)
        let replanner = IncrementalReplanner(mirror: mirror)
        _ = try replanner.catchUp()
        return (mirror, replanner, plan)
    }

    /// Catches up once and checks that it re-planned only part of the plan, to exactly what a full plan gives.
    static func catchUpMatchesFull(_ mirror: Mirror, _ replanner: IncrementalReplanner, _ what: String) throws {
        let outcome = try #require(try replanner.catchUp(), "\(what): the change feed had nothing to re-plan")
        #expect(!outcome.full, "\(what)")
        let full = try R.fullPlan(mirror)
        let expected = full.lines.map(R.row)
        let got = try #require(replanner.latestPlan).lines.map(R.row)
        // The first differing rows, not two whole plans, when they differ.
        #expect(got == expected, "\(what): \(Self.firstDifference(got, expected))")
        #expect(replanner.latestPlan?.summary == full.summary, "\(what)")
        #expect(try R.stored(mirror) == expected, "\(what)")
    }

    static func firstDifference(_ a: [String], _ b: [String]) -> String {
        guard let i = zip(a, b).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset
                ?? (a.count == b.count ? nil : min(a.count, b.count)) else { return "same" }
        return "row \(i): \(i < a.count ? a[i] : "none") vs full \(i < b.count ? b[i] : "none")"
    }

    @Test("releasing a line's units takes it out of the plan and re-plans the rest of its sku around them, as a full plan would")
    func release() throws {
        let (mirror, replanner, plan) = try Self.planned()
        let store = DecisionStore(mirror: mirror)
        // A line in review that holds units another line of its sku wants (so the re-plan has something to move).
        let short = Set(plan.lines.filter { $0.short > 0 && $0.status != .held }.map(\.sku))
        let line = try #require(plan.lines.first { $0.status == .review && $0.allocated > 0 && short.contains($0.sku)
            && !$0.exceptions.contains(.highValue) && !$0.exceptions.contains(.lowMargin) })
        try store.decide(LineDecision(line: line.key, action: .accept, actor: Self.planner))
        try store.decide(LineDecision(line: line.key, action: .release, actor: Self.planner, reasonCode: "OTHER"))
        #expect(try mirror.changes().contains { $0.source == DecisionFeed.source && $0.kind == "reservation.released" && $0.sku == line.sku })
        try Self.catchUpMatchesFull(mirror, replanner, "release of \(line.key)")
        #expect(replanner.latestPlan?.lines.contains { $0.key == line.key } == false)

        // Cancelling the order gives the units back: the line's sku is planned again with them.
        try store.decide(LineDecision(line: line.key, action: .cancel, actor: Self.service, reasonCode: "CUSTOMER_CANCELLED"))
        #expect(try mirror.changes().contains { $0.kind == "reservation.returned" && $0.orderID == line.orderID })
        try Self.catchUpMatchesFull(mirror, replanner, "cancel of \(line.orderID)")
    }

    @Test("holding an order from the workbench frees its units for the other lines at the next catch-up; lifting the hold brings them back")
    func holdAndLift() throws {
        let (mirror, replanner, plan) = try Self.planned()
        let store = DecisionStore(mirror: mirror)
        let line = try #require(plan.lines.first { $0.status == .review && $0.allocated > 0 })
        try store.decide(LineDecision(line: line.key, action: .hold, actor: Self.service, reasonCode: "PRICING"))
        try Self.catchUpMatchesFull(mirror, replanner, "hold of \(line.orderID)")
        #expect(replanner.latestPlan?.lines.first { $0.key == line.key }?.status == .held)
        try store.decide(LineDecision(line: line.key, action: .release, actor: Self.planner, reasonCode: "CUSTOMER_CONFIRMED"))
        try Self.catchUpMatchesFull(mirror, replanner, "hold lifted on \(line.orderID)")
        #expect(replanner.latestPlan?.lines.first { $0.key == line.key }?.status != .held)
    }

    @Test("a decision's own feed rows do not mark other decided lines 'needs re-check'; an import's rows still do")
    func governanceIgnoresDecisionRows() throws {
        let (mirror, _, plan) = try Self.planned()
        let store = DecisionStore(mirror: mirror)
        let review = plan.lines.filter { $0.status == .review && $0.allocated > 0 && !$0.exceptions.contains(.highValue)
            && !$0.exceptions.contains(.lowMargin) }
        let first = try #require(review.first)
        let second = try #require(review.dropFirst().first { $0.sku == first.sku })
        try store.decide(LineDecision(line: second.key, action: .accept, actor: Self.planner))
        try store.decide(LineDecision(line: first.key, action: .accept, actor: Self.planner))
        try store.decide(LineDecision(line: first.key, action: .release, actor: Self.planner, reasonCode: "OTHER"))
        #expect(try store.linesNeedingRecheck().isEmpty)
        let event = #"{"id":"wms-x","source":"wms","seq":1,"type":"inventory.adjusted","at":"2026-11-29T10:00:00Z","data":{"warehouse_id":"\#(first.allocations[0].warehouseID)","sku":"\#(first.sku)","delta":-1,"reason":"count","as_of":"2026-11-29T10:00:00Z"}}"#
        _ = try EventImporter(mirror: mirror).importEvents(from: Data((event + "\n").utf8), name: "wms.jsonl")
        #expect(try store.linesNeedingRecheck().map(\.key) == [second.key])
    }
}
