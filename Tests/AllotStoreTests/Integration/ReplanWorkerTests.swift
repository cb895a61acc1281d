import Testing
import Foundation
import GRDB
@testable import AllotStore
import AllotCore

/// The re-plan worker, as `allot watch` runs it: re-plans beside the intake, a backlog together, failures reported.
@Suite("Re-plan worker")
struct ReplanWorkerTests {
    typealias F = DropFixture

    @Test("files imported while earlier ones are re-planned on the worker leave the stored plan equal to a full plan",
          arguments: [21, 22])
    func besideTheIntake(seed: Int) throws {
        let mirror = try SampleStoryTests.imported("promo-three-warehouses")
        _ = try IncrementalReplanTests.planFully(mirror)
        let f = try F(mirror: mirror)
        let outcomes = Locked<[(IncrementalReplanner.Outcome?, [String])]>([])
        // With the second seed, catch-ups give way while the intake has files left (as `allot watch` runs them).
        let intake = f.intake
        let asked = Locked(0)
        let record: @Sendable (IncrementalReplanner.Outcome?, [String]) -> Void = { o, names in outcomes.update { $0.append((o, names)) } }
        let worker = seed % 2 == 0
            ? ReplanWorker(replanner: IncrementalReplanner(mirror: mirror), givingWayTo: { asked.update { $0 += 1 }; return intake.backlog > 0 },
                           onOutcome: record)
            : ReplanWorker(replanner: IncrementalReplanner(mirror: mirror), onOutcome: record)
        defer { worker.stop() }
        // The plan was stored without its feed position: the first catch-up takes the sample's load again, in full.
        worker.request()
        #expect(worker.waitUntilIdle().isEmpty)
        outcomes.update { $0.removeAll() }

        let snapshot = try mirror.loadSnapshot()
        var rng = SeededRandom(state: UInt64(seed))
        var n = 0
        let files = 12
        for file in 1...files {
            var lines: [String] = []
            for _ in 0..<(1 + Int(rng.next() % 8)) { n += 1; lines.append(IncrementalReplanSequenceTests.randomEvent(n, snapshot, &rng)) }
            try f.drop(String(format: "erp-%03d.jsonl", file), lines)
        }
        var backlog: [Int] = []
        let (results, errors) = try intake.processPending(afterEach: { r in
            backlog.append(intake.backlog)
            worker.request(after: r.item.name)
        })
        #expect(results.count == files && errors.isEmpty)
        #expect(worker.waitUntilIdle().isEmpty)
        // After each file, the files still to import; none after the pass.
        #expect(backlog == Array((0..<files).reversed()))
        #expect(intake.backlog == 0)
        #expect(seed % 2 == 1 || asked.value > 0)

        let full = try IncrementalReplanTests.fullPlan(mirror)
        #expect(try IncrementalReplanTests.stored(mirror) == full.lines.map(IncrementalReplanTests.row))
        #expect(worker.replanner.latestPlan?.lines == full.lines)
        #expect(worker.replanner.latestPlan?.summary == full.summary)
        // Every file was asked for once and served by one catch-up; files imported during a catch-up share the next
        // (or, when that catch-up already read their changes, are named with no outcome: nothing was left to do).
        let served = outcomes.value
        #expect(served.count >= 1 && served.count <= files)
        #expect(served.flatMap(\.1) == results.map(\.item.name))
        #expect(served.allSatisfy { $0.0.map { !$0.full && !$0.plannedWhole } ?? !$0.1.isEmpty })
        #expect(served.contains { $0.0 != nil })
        #expect(try IncrementalReplanner(mirror: mirror).cursor() == (try mirror.lastChangeID()))
    }

    @Test("a request naming no input (the watch's, for workbench decisions) never abandons the catch-up of a file", arguments: 0..<3)
    func bareRequestsDoNotAbandon(round: Int) throws {
        let mirror = try SampleStoryTests.imported("promo-three-warehouses")
        _ = try IncrementalReplanTests.planFully(mirror)
        let f = try F(mirror: mirror)
        let intake = f.intake
        let worker = ReplanWorker(replanner: IncrementalReplanner(mirror: mirror), givingWayTo: { intake.backlog > 0 }, onOutcome: { _, _ in })
        defer { worker.stop() }
        worker.request()
        #expect(worker.waitUntilIdle().isEmpty)
        let snapshot = try mirror.loadSnapshot()
        var rng = SeededRandom(state: UInt64(40 + round))
        try f.drop("erp-001.jsonl", (1...6).map { IncrementalReplanSequenceTests.randomEvent($0, snapshot, &rng) })
        // As the watch does: a request after the file, then one between passes while its catch-up runs.
        _ = try intake.processPending(afterEach: { r in worker.request(after: r.item.name) })
        for _ in 0..<5 { worker.request() }
        #expect(worker.waitUntilIdle().isEmpty)
        #expect(worker.abandoned == 0)
        #expect(try IncrementalReplanTests.stored(mirror) == (try IncrementalReplanTests.fullPlan(mirror)).lines.map(IncrementalReplanTests.row))
    }

    /// A worker on the sample with its plan caught up, whose intake is `busy` as told, recording when each outcome came.
    private func pacedWorker(pause: Double, busy: Locked<Bool>) throws -> (ReplanWorker, DropFixture, Locked<[(Date, IncrementalReplanner.Outcome?)]>) {
        let mirror = try SampleStoryTests.imported("promo-three-warehouses")
        _ = try IncrementalReplanTests.planFully(mirror)
        let served = Locked<[(Date, IncrementalReplanner.Outcome?)]>([])
        let worker = ReplanWorker(replanner: IncrementalReplanner(mirror: mirror), givingWayTo: { busy.value }, pause: pause,
                                  onOutcome: { o, _ in served.update { $0.append((Date(), o)) } })
        return (worker, try F(mirror: mirror), served)
    }

    /// Imports one file changing the stock of the sample's first sku (no catch-up asked for).
    private func dropStock(_ f: DropFixture, _ n: Int) throws {
        let sku = try #require(try f.mirror.loadSnapshot().items.first?.sku)
        try f.drop(String(format: "wms-%03d.jsonl", n), [F.stock("p\(n)", n, "ATL", sku, 10 * n)])
        _ = try f.intake.processPending()
    }

    @Test("while the intake has inputs waiting, a catch-up starts no sooner than the pause after the last one ended")
    func pausedWhileBusy() throws {
        let busy = Locked(true)
        let (worker, f, served) = try pacedWorker(pause: 0.4, busy: busy)
        defer { worker.stop() }
        worker.request(after: "first")
        #expect(worker.waitUntilIdle().isEmpty)
        let firstEnded = try #require(served.value.last?.0)
        try dropStock(f, 1)
        worker.request(after: "wms-001.jsonl")
        #expect(worker.waitUntilIdle().isEmpty)
        let (secondEnded, outcome) = try #require(served.value.last)
        let second = try #require(outcome)
        // It began (its end less its length) at least the pause after the first one's outcome was reported.
        #expect(secondEnded.addingTimeInterval(-second.seconds).timeIntervalSince(firstEnded) >= 0.4)
        #expect(second.changes > 0)
        #expect(try IncrementalReplanTests.stored(f.mirror) == (try IncrementalReplanTests.fullPlan(f.mirror)).lines.map(IncrementalReplanTests.row))
    }

    @Test("with the intake idle, or once it goes idle, or when the worker stops, a request is served without waiting out the pause",
          arguments: ["idle", "goes idle", "stop"])
    func notPausedWhenIdle(how: String) throws {
        let busy = Locked(how != "idle")
        let (worker, f, served) = try pacedWorker(pause: 600, busy: busy)
        worker.request(after: "first")
        #expect(worker.waitUntilIdle().isEmpty)
        try dropStock(f, 1)
        let asked = Date()
        worker.request(after: "wms-001.jsonl")
        switch how {
        case "goes idle":
            Thread.sleep(forTimeInterval: 0.2)
            #expect(served.value.count == 1, "served while the intake was busy, before the pause ended")
            busy.update { $0 = false }
            #expect(worker.waitUntilIdle().isEmpty)
            worker.stop()
        case "stop":
            worker.stop()
        default:
            #expect(worker.waitUntilIdle().isEmpty)
            worker.stop()
        }
        // Far sooner than the 600 s pause (a generous bound: the catch-up itself takes milliseconds).
        #expect(Date().timeIntervalSince(asked) < 60)
        #expect(served.value.count == 2 && served.value[1].1 != nil)
        #expect(try IncrementalReplanTests.stored(f.mirror) == (try IncrementalReplanTests.fullPlan(f.mirror)).lines.map(IncrementalReplanTests.row))
    }

    @Test("the workbench's plan status counts the feed entries no catch-up has taken, and says when one last did")
    func planStatus() throws {
        let mirror = try SampleStoryTests.imported("promo-three-warehouses")
        _ = try IncrementalReplanTests.planFully(mirror)
        let reads = WorkbenchReads(mirror: mirror)
        // Saved without its feed position: nothing to count from, and no re-plan has kept it up to date.
        var status = try #require(try reads.currentPlanStatus())
        #expect(status.changesBehind == nil && status.updatedAt == nil)
        let replanner = IncrementalReplanner(mirror: mirror)
        _ = try replanner.catchUp()
        status = try #require(try reads.currentPlanStatus())
        #expect(status.changesBehind == 0)
        let caughtUp = try #require(status.updatedAt)

        // Two stock changes imported with no re-plan: two entries behind, the update time as it was.
        let f = try F(mirror: mirror)
        let skus = try mirror.loadSnapshot().items.prefix(2).map(\.sku)
        try f.drop("wms-001.jsonl", [F.stock("b1", 1, "ATL", skus[0], 7), F.stock("b2", 2, "ATL", skus[1], 7)])
        _ = try f.intake.processPending()
        status = try #require(try reads.currentPlanStatus())
        #expect(status.changesBehind == 2)
        #expect(status.updatedAt == caughtUp)
        // The cheap read the queue pages use leaves both out.
        #expect(try reads.currentPlan()?.changesBehind == nil)

        _ = try replanner.catchUp()
        status = try #require(try reads.currentPlanStatus())
        #expect(status.changesBehind == 0)
        #expect(try #require(status.updatedAt).seconds >= caughtUp.seconds)
    }

    @Test("a catch-up that fails is reported once, and the next request re-plans from the stored cursor")
    func failureThenRecovery() throws {
        let mirror = try SampleStoryTests.imported("promo-three-warehouses")
        _ = try IncrementalReplanTests.planFully(mirror)
        let f = try F(mirror: mirror)
        let worker = ReplanWorker(replanner: IncrementalReplanner(mirror: mirror))
        defer { worker.stop() }
        worker.request()
        #expect(worker.waitUntilIdle().isEmpty)
        let cursor = try worker.replanner.cursor()

        // A policy the re-plan cannot read (written behind the mirror's back): the catch-up fails, nothing moves.
        let good = try #require(try mirror.storedPolicySource())
        try mirror.db.write { db in try db.execute(sql: "UPDATE policy SET toml = 'tier_order = [' WHERE id = 1") }
        let sku = try #require(try mirror.loadSnapshot().items.first?.sku)
        try f.drop("wms-001.jsonl", [F.stock("s1", 1, "ATL", sku, 3)])
        _ = try f.intake.processPending(afterEach: { r in worker.request(after: r.item.name) })
        let failures = worker.waitUntilIdle()
        #expect(failures.count == 1 && failures[0].hasPrefix("re-plan after wms-001.jsonl:"), "\(failures)")
        #expect(worker.waitUntilIdle().isEmpty)
        #expect(try worker.replanner.cursor() == cursor)

        try mirror.db.write { db in try db.execute(sql: "UPDATE policy SET toml = ? WHERE id = 1", arguments: [good.toml]) }
        worker.request()
        #expect(worker.waitUntilIdle().isEmpty)
        #expect(try IncrementalReplanTests.stored(mirror) == (try IncrementalReplanTests.fullPlan(mirror)).lines.map(IncrementalReplanTests.row))
        #expect(try worker.replanner.cursor() == (try mirror.lastChangeID()))
    }
}
