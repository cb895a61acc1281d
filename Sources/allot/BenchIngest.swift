import ArgumentParser
import Foundation
import Logging
import AllotCore
import AllotStore

/// `allot bench ingest`: events through the drop folder and the incremental re-plan, as `allot watch` runs them.
struct BenchIngest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Measure event intake: events/s through the watch path, and event-to-updated-recommendation time.",
        discussion: """
        Loads a scenario (the bundled sample, a folder, or a generated one of --orders lines) into a new temporary mirror and stores a full plan, writes --events mixed events (stock \
        counts and adjustments, edits of open orders and a few new ones, holds and releases, receipt changes and a few new receipts, a few duplicates and invalid lines) as \
        drop-folder files of --file-events each, then takes them exactly as `allot watch` does: each file imported \
        in one transaction with its ledger row, moved, and the touched skus re-planned on the re-plan thread (while the \
        next file is imported; files imported meanwhile are re-planned together) with the changed recommendations \
        stored. Prints events/s for the intake, and with the re-plans until the plan has caught up with the last file \
        (--no-replan: the intake alone). Then, --probes times, \
        drops a one-event file changing the stock of a sku with open demand and measures from writing the file to \
        the updated recommendation being stored. Goals: 100,000 events/s; 50 ms. Use a release build.
        """)

    @Option(help: "Events to ingest.")
    var events = 1_000_000

    @Option(help: "Events per drop-folder file.")
    var fileEvents = 100_000

    @Option(help: ArgumentHelp("The snapshot folder to start from (default: the bundled sample scenario).", valueName: "dir"))
    var scenario: String?

    @Option(help: ArgumentHelp("Start instead from a generated scenario of this many order lines (skus: one per 20 lines).",
                               valueName: "lines"))
    var orders: Int?

    @Option(name: .customLong("as-of"), help: ArgumentHelp("The plan date.", valueName: "date"))
    var asOf = "2026-11-29"

    @Option(help: "Single-event probes of event-to-recommendation time.")
    var probes = 20

    @Option(help: "Random seed of the event mix.")
    var seed: UInt64 = 1

    @Flag(help: "Skip the re-plans after each file (measure or profile the intake alone).")
    var noReplan = false

    @Option(help: ArgumentHelp("As `allot watch --replan-pause`: while files wait, the least seconds between re-plans.", valueName: "seconds"))
    var replanPause: Double = ReplanWorker.defaultPause

    @Option(help: ArgumentHelp("Keep the work folder (mirror and drop files) here, to profile `allot plan` on the grown mirror.",
                               valueName: "dir"))
    var keep: String?

    func run() throws {
        let day = try PlanInputs.day(asOf)
        guard events > 0, fileEvents > 0 else { throw ValidationError("--events and --file-events must be more than 0") }
        guard replanPause >= 0, replanPause.isFinite else { throw ValidationError("--replan-pause must be 0 or more seconds") }
        let work = keep ?? NSTemporaryDirectory() + "allot-bench-ingest-\(ProcessInfo.processInfo.processIdentifier)"
        let fm = FileManager.default
        try? fm.removeItem(atPath: work)
        defer { if keep == nil { try? fm.removeItem(atPath: work) } }
        // The mirror is closed (its WAL checkpointed and removed) when `measure` returns, before the folder goes.
        try measure(in: work, day: day)
    }

    func measure(in work: String, day: Day) throws {
        let fm = FileManager.default
        let mirror = try Mirror(path: work + "/mirror.sqlite")
        var scenarioDir = scenario ?? SampleLocator.scenario(SampleLocator.defaultScenario)
        if let orders {
            scenarioDir = work + "/scenario"
            let generated = ScenarioGenerator(.init(orderLines: orders, skus: max(50, orders / 20), warehouses: 5, seed: seed, today: day)).generate()
            try SnapshotWriter.write(generated, policyTOML: ScenarioGenerator.policyTOML, to: scenarioDir)
        }
        try SnapshotImporter(mirror: mirror).importSnapshot(directory: scenarioDir)
        let snapshot = try PlanInputs.planAndStore(mirror: mirror, asOf: day).snapshot
        say("scenario \(scenarioDir): \(snapshot.lines.count) order lines, \(snapshot.items.count) skus, \(snapshot.warehouses.count) warehouses")

        // Write the drop files first: producing them is not what is measured.
        let drop = try DropFolder(path: work + "/drop")
        var mix = EventMix(snapshot: snapshot, seed: seed)
        var written = 0, file = 0
        let genStart = Date()
        while written < events {
            file += 1
            let n = min(fileEvents, events - written)
            var text = ""
            text.reserveCapacity(n * 220)
            for _ in 0..<n { text += mix.next(); text += "\n" }
            let name = String(format: "bench-%06d.jsonl", file)
            try Data(text.utf8).write(to: URL(fileURLWithPath: drop.path + "/" + name + ".tmp"))
            try fm.moveItem(atPath: drop.path + "/" + name + ".tmp", toPath: drop.path + "/" + name)
            written += n
        }
        say(String(format: "wrote %d events in %d files (%.1f s; %d meant as invalid, %d as duplicates)",
                     written, file, Date().timeIntervalSince(genStart), mix.invalid, mix.duplicates))

        var quiet = Logger(label: "allot.bench")
        quiet.logLevel = .critical
        let intake = DropFolderIntake(mirror: mirror, folder: drop, logger: quiet)
        // Re-plans run beside the intake as in `allot watch`: each file asks for one, a backlog is re-planned together.
        let fileReplans = Locked<[IncrementalReplanner.Outcome]>([])
        let worker = ReplanWorker(replanner: IncrementalReplanner(mirror: mirror), givingWayTo: { intake.backlog > 0 },
                                  pause: replanPause) { o, _ in if let o { fileReplans.update { $0.append(o) } } }
        defer { worker.stop() }
        var importSeconds = 0.0, importCPU = 0.0
        var total = ImportSummary()
        let start = Date()
        var cpuMark = threadCPUSeconds()
        let (results, errors) = try intake.processPending(afterEach: { r in
            importSeconds += r.seconds
            importCPU += threadCPUSeconds() - cpuMark
            if let s = r.summary { total.add(s) }
            if !noReplan { worker.request(after: r.item.name) }
            cpuMark = threadCPUSeconds()
        })
        let intakeWall = Date().timeIntervalSince(start)
        let failures = worker.waitUntilIdle()
        let wall = Date().timeIntervalSince(start)
        guard errors.isEmpty, failures.isEmpty else { throw ValidationError("intake failed: \((errors + failures).joined(separator: "; "))") }
        let handled = total.applied + total.duplicate + total.stale + total.rejected
        let catchUps = fileReplans.value
        say("ingested \(results.count) files: \(total.description)")
        say(String(format: "intake:            %8.0f events/s  (%.2f s; on the CPU %.2f s: %.0f events per CPU-second)%@",
                   Double(handled) / importSeconds, importSeconds, importCPU, Double(handled) / max(importCPU, 1e-9),
                   noReplan ? "" : "; re-plans ran beside it"))
        if !noReplan, let slowest = catchUps.max(by: { $0.seconds < $1.seconds }) {
            say(String(format: "intake + re-plan:  %8.0f events/s  (%.2f s wall until the plan caught up: intake %.2f s, then %.2f s for the last re-plan)",
                       Double(handled) / wall, wall, intakeWall, wall - intakeWall))
            let full = catchUps.filter(\.full).count
            say(String(format: "re-plans beside the intake: %d for %d files (%d full, %d more abandoned), %.2f s in all, %d rows rewritten; slowest: ",
                       catchUps.count, results.count, full, worker.abandoned, catchUps.reduce(0) { $0 + $1.seconds },
                       catchUps.reduce(0) { $0 + $1.linesChanged })
                + "\(slowest)")
            if let last = catchUps.last { say("the last re-plan: \(last)") }
        }

        // Event to updated recommendation: a one-event file changing the stock of the sku with most open demand.
        let store = PlanStore(mirror: mirror)
        guard let planID = try store.currentPlanID(), let (sku, line, source) = try busiestSku(mirror) else {
            say("no open line to probe"); return
        }
        // Only a sku with no line served from stock needs the mirror read again, for any position of it.
        let warehouse = try source ?? mirror.loadSnapshot().inventory.first { $0.sku == sku }?.warehouseID ?? snapshot.warehouses[0].id
        var times: [Double] = [], replans: [Double] = []
        var outcomes: [IncrementalReplanner.Outcome] = []
        var moved = 0
        for i in 0..<probes {
            let before = try store.recommendation(planID: planID, line)?.version ?? 0
            let qty = i % 2 == 0 ? 0 : 100_000
            let t0 = Date()
            let name = String(format: "probe-%04d.jsonl", i)
            let event = #"{"id":"probe-\#(i)-\#(seed)","source":"probe","seq":\#(i + 1),"type":"inventory.snapshot","at":"\#(Timestamp(seconds: t0.timeIntervalSince1970))","data":{"warehouse_id":"\#(warehouse)","sku":"\#(sku)","on_hand":\#(qty),"as_of":"\#(Timestamp(seconds: t0.timeIntervalSince1970))"}}"#
            try Data((event + "\n").utf8).write(to: URL(fileURLWithPath: drop.path + "/" + name + ".tmp"))
            try fm.moveItem(atPath: drop.path + "/" + name + ".tmp", toPath: drop.path + "/" + name)
            let countBefore = fileReplans.value.count
            _ = try intake.processPending(afterEach: { _ in
                let t = Date()
                worker.request()
                let failures = worker.waitUntilIdle()
                guard failures.isEmpty else { throw ValidationError("probe re-plan failed: \(failures.joined(separator: "; "))") }
                replans.append(Date().timeIntervalSince(t))
            })
            outcomes += fileReplans.value.dropFirst(countBefore)
            let after = try store.recommendation(planID: planID, line)?.version ?? 0
            times.append(Date().timeIntervalSince(t0))
            if after != before { moved += 1 }
        }
        guard !times.isEmpty else { return }
        times.sort()
        replans.sort()
        let ms = { (x: Double) in String(format: "%.1f ms", x * 1000) }
        let p99 = times[min(times.count - 1, Int((Double(times.count) * 0.99).rounded(.up)) - 1)]
        say("event to updated recommendation (\(sku) at \(warehouse), line \(line); \(moved)/\(probes) probes moved it): p50 \(ms(times[times.count / 2])), p99 \(ms(p99)), max \(ms(times.last ?? 0)); of which the re-plan p50 \(ms(replans.isEmpty ? 0 : replans[replans.count / 2]))")
        if !outcomes.isEmpty { say("median probe re-plan: \(outcomes.sorted { $0.seconds < $1.seconds }[outcomes.count / 2])") }
    }

    /// The sku with most open lines, and its first line served from on-hand stock (so that emptying that stock and
    /// filling it again must move the line's recommendation), with the warehouse it is served from.
    func busiestSku(_ mirror: Mirror) throws -> (SKU, LineKey, WarehouseID?)? {
        guard let plan = try PlanStore(mirror: mirror).currentPlan() else { return nil }
        var count: [SKU: Int] = [:]
        for r in plan.lines where r.status != .held { count[r.sku, default: 0] += 1 }
        guard let sku = count.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key })?.key else { return nil }
        let open = plan.lines.filter { $0.sku == sku && $0.status != .held }
        if let line = open.first(where: { $0.allocations.contains { $0.source == .onHand } }) {
            return (sku, line.key, line.allocations.first { $0.source == .onHand }?.warehouseID)
        }
        return open.first.map { (sku, $0.key, nil) }
    }
}

/// CPU time of the calling thread: on a shared machine, wall time alone says more about the neighbours than the code.
func threadCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// Writes a line to standard output at once (a long benchmark shows each figure as soon as it is measured).
private func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// A seeded stream of plausible event lines over a snapshot's warehouses, skus, customers and orders.
struct EventMix {
    let warehouses: [WarehouseID]
    let skus: [SKU]
    let customers: [CustomerID]
    let orders: [OrderID]
    /// Open orders, re-sent with changed lines the way an ERP re-sends an order when a buyer edits it.
    let openOrders: [Order]
    let receipts: [(Receipt)]
    var rng: SeededRandom
    var seq: [String: Int] = ["erp": 0, "wms": 0]
    var counter = 0
    var invalid = 0
    var duplicates = 0
    var lastID = ""

    init(snapshot: Snapshot, seed: UInt64) {
        warehouses = snapshot.warehouses.map(\.id)
        skus = snapshot.items.map(\.sku)
        customers = snapshot.customers.map(\.id)
        orders = snapshot.orders.map(\.id)
        openOrders = snapshot.orders.filter { $0.status == .open }
        receipts = snapshot.receipts
        rng = SeededRandom(state: seed)
    }

    mutating func pick<T>(_ list: [T]) -> T { list[Int(rng.next() % UInt64(list.count))] }

    mutating func next() -> String {
        counter += 1
        let roll = rng.next() % 1000
        if roll < 2, !lastID.isEmpty {
            duplicates += 1
            return lastID
        }
        if roll < 4 {
            invalid += 1
            return #"{"id":"bad-\#(counter)","source":"wms","seq":1,"type":"pallet.moved","at":"2026-11-29T08:00:00Z","data":{}}"#
        }
        let source = roll < 650 ? "wms" : "erp"
        seq[source, default: 0] += 1
        let s = seq[source]!
        let id = "\(source)-\(s)"
        let at = "2026-11-29T08:00:00Z"
        let body: String
        let type: String
        switch roll {
        case ..<450:
            type = "inventory.adjusted"
            body = #"{"warehouse_id":"\#(pick(warehouses))","sku":"\#(pick(skus))","delta":\#(1 + rng.next() % 5),"reason":"cycle count","as_of":"\#(at)"}"#
        case ..<650:
            type = "inventory.snapshot"
            body = #"{"warehouse_id":"\#(pick(warehouses))","sku":"\#(pick(skus))","on_hand":\#(rng.next() % 500),"as_of":"\#(at)"}"#
        case ..<850:
            // Mostly edits of orders the mirror has (a buyer changes quantities); one event in a hundred a new order.
            // A feed of a million events is a day of a distributor's life, not a million new orders.
            type = "order.upserted"
            let lines = (1...(1 + Int(rng.next() % 3))).map { n in
                #"{"line_no":\#(n),"sku":"\#(pick(skus))","qty":\#(1 + rng.next() % 40)}"#
            }.joined(separator: ",")
            if roll < 660 || openOrders.isEmpty {
                body = #"{"order_id":"BX-\#(s)","customer_id":"\#(pick(customers))","order_date":"2026-11-28","requested_date":"2026-12-0\#(1 + rng.next() % 9)","lines":[\#(lines)]}"#
            } else {
                let o = pick(openOrders)
                body = #"{"order_id":"\#(o.id)","customer_id":"\#(o.customerID)","order_date":"\#(o.orderDate)","requested_date":"\#(o.requestedDate)","lines":[\#(lines)]}"#
            }
        case ..<900:
            type = rng.next() % 2 == 0 ? "order.held" : "order.released"
            body = #"{"order_id":"\#(pick(orders))","reason":"credit review"}"#
        default:
            // Mostly a purchase order's eta or quantity moving; one event in two hundred a new receipt.
            type = "receipt.upserted"
            if roll < 905 || receipts.isEmpty {
                body = #"{"receipt_id":"BR-\#(s)","warehouse_id":"\#(pick(warehouses))","sku":"\#(pick(skus))","qty":\#(10 + rng.next() % 200),"eta":"2026-12-0\#(2 + rng.next() % 7)"}"#
            } else {
                let r = pick(receipts)
                body = #"{"receipt_id":"\#(r.id)","warehouse_id":"\#(r.warehouseID)","sku":"\#(r.sku)","qty":\#(10 + rng.next() % 200),"eta":"2026-12-0\#(2 + rng.next() % 7)","kind":"\#(r.kind.rawValue)"}"#
            }
        }
        let line = #"{"id":"\#(id)","source":"\#(source)","seq":\#(s),"type":"\#(type)","at":"\#(at)","data":\#(body)}"#
        lastID = line
        return line
    }
}
