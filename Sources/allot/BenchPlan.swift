import ArgumentParser
import Foundation
import AllotCore
import AllotStore

/// `allot bench plan`: generates a synthetic scenario, imports it, plans it, and re-plans one sku after one
/// inventory change, printing each phase's time, lines per second and peak memory.
struct BenchPlan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Measure planning speed: generate, import, plan and re-plan a synthetic scenario.",
        discussion: """
        Phases: generate (the seeded synthetic scenario), write (its CSV files), import (into a new mirror in a \
        temporary folder), load (the snapshot from the mirror), index, plan (the engine, on every core), store \
        (the plan into the mirror), and incremental re-plans of a typical and the busiest sku after inventory \
        changes: the whole re-plan `allot watch` runs (re-solve, ship-complete replay, splice; the first right after \
        a full plan, then the next) and the re-solve of the sku's group alone, checked against a full plan of the \
        changed snapshot. Goals on a 2-core machine: plan of 1,000,000 lines in at most 2 s of engine time; one-sku \
        re-plan in at most 5 ms. Build with `swift build -c release` first.
        """)

    @Option(help: "Order lines to generate.") var lines = 1_000_000
    @Option(help: "Skus to generate.") var skus = 20_000
    @Option(help: "Warehouses to generate.") var warehouses = 20
    @Option(help: "Random seed of the scenario.") var seed: UInt64 = 1
    @Flag(name: .customLong("skip-import"), help: "Plan the generated snapshot directly (no CSV, no mirror).")
    var skipImport = false
    @Flag(name: .customLong("skip-replan"), help: "Stop after the plan (no incremental re-plans and their full-plan checks).")
    var skipReplan = false
    @Option(help: ArgumentHelp("Plan this mirror's snapshot under its stored policy instead of a generated one (nothing is "
                               + "stored; e.g. one kept by `allot bench ingest --keep`).", valueName: "path"))
    var mirror: String?
    @Option(name: .customLong("as-of"), help: ArgumentHelp("With --mirror: the plan date.", valueName: "date"))
    var asOf = "2026-11-29"
    @Option(name: .customLong("repeat"), help: ArgumentHelp("Plan this many times in all and print the fastest and the median "
                                                            + "plan (timings on a shared machine vary from run to run).", valueName: "n"))
    var repeats = 1
    @OptionGroup var splitSearch: SplitSearchOption

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeat: at least 1 (got \(repeats))") }
    }

    func run() throws {
        if let mirror { return try planMirror(mirror) }
        var clock = PhaseClock()
        let params = ScenarioGenerator.Parameters(orderLines: lines, skus: skus, warehouses: warehouses, seed: seed)
        var snapshot = ScenarioGenerator(params).generate()
        clock.lap("generate")
        let asOf = params.today
        var policy = try Policy(toml: ScenarioGenerator.policyTOML, file: "synthetic policy")
        splitSearch.apply(to: &policy)
        var mirror: Mirror?
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("allot-bench-plan-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: dir) }
        if !skipImport {
            let csv = dir.appendingPathComponent("scenario").path
            try FileManager.default.createDirectory(atPath: csv, withIntermediateDirectories: true)
            _ = try SnapshotWriter.write(snapshot, policyTOML: ScenarioGenerator.policyTOML, to: csv)
            clock.lap("write csv")
            let m = try Mirror(path: dir.appendingPathComponent("mirror.sqlite").path)
            try SnapshotImporter(mirror: m).importSnapshot(directory: csv)
            clock.lap("import")
            snapshot = try m.loadSnapshot()
            clock.lap("load")
            mirror = m
        }
        var index = PlanningIndex(snapshot)
        clock.lap("index")
        let (plan, steps, first) = timedPlan(index: index, policy: policy, asOf: asOf, clock: &clock)
        let engine = first.wall
        if let mirror {
            let hash = PlanStore.inputHash(snapshot: snapshot, policy: policy, asOf: asOf)
            clock.lap("hash inputs")
            try PlanStore(mirror: mirror).save(plan, snapshot: snapshot, policy: policy, inputHash: hash)
            clock.lap("store")
        }
        // Repeated plans are timed before the re-plans change the index; the peak memory is then read before them.
        let peak = repeats > 1 ? PhaseClock.peakMemoryMB() : nil
        let runs = timedAgain(first: first, index: index, policy: policy, asOf: asOf)

        // One inventory change on the sku with the most lines, then a re-plan of that sku only.
        var replans: [Replan] = []
        if !skipReplan { replans = measureReplans(plan, index: &index, snapshot: snapshot, policy: policy, asOf: asOf) }
        let splitLines = PhaseClock.splitLines(plan)

        print("bench plan: \(plan.summary.lines) lines, \(skus) skus, \(warehouses) warehouses, seed \(seed)")
        clock.printPhases()
        PhaseClock.printSteps(steps, runs: runs)
        print(String(format: "  engine: %.0f lines/s (%.3f s for %d lines)", Double(plan.summary.lines) / engine, engine, plan.summary.lines))
        print(String(format: "  plan: fill rate %.1f%%, auto %d, review %d, held %d, backorder %d", plan.summary.fillRate * 100,
                     plan.summary.auto, plan.summary.review, plan.summary.held, plan.summary.backorder))
        print(String(format: "  plan: total cost %.2f (split penalties included), %d split lines", plan.summary.totalCost, splitLines))
        for r in replans {
            print("  re-plan of \(r.sku) (\(r.lines) lines) after one inventory change: " + String(format: "%.2f ms", r.wholeMs)
                  + String(format: " (re-solve of its group %.2f ms; the first re-plan after a full plan %.2f ms)", r.solveMs, r.firstMs)
                  + ", same as a full plan: \(r.same ? "yes" : "NO")")
        }
        print("  peak memory: \(peak ?? PhaseClock.peakMemoryMB()) MB" + (peak != nil ? " (before the repeated plans)" : ""))
    }

    /// Plans an existing mirror's snapshot under its stored policy, with the phases and figures of a generated one
    /// (nothing is stored).
    func planMirror(_ path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("--mirror: no file at \(path)") }
        let day = try PlanInputs.day(asOf)
        var clock = PhaseClock()
        let m = try StoreOptions.open(path)
        var policy = try m.storedPolicy()
        splitSearch.apply(to: &policy)
        let snapshot = try m.loadSnapshot()
        clock.lap("load")
        let index = PlanningIndex(snapshot)
        clock.lap("index")
        let (plan, steps, first) = timedPlan(index: index, policy: policy, asOf: day, clock: &clock)
        let engine = first.wall
        let runs = timedAgain(first: first, index: index, policy: policy, asOf: day)
        let splitLines = PhaseClock.splitLines(plan)
        print("bench plan: \(plan.summary.lines) lines, \(snapshot.items.count) skus, \(snapshot.warehouses.count) warehouses, mirror \(path)")
        clock.printPhases()
        PhaseClock.printSteps(steps, runs: runs)
        print(String(format: "  engine: %.0f lines/s; total cost %.2f, %d split lines", Double(plan.summary.lines) / engine,
                     plan.summary.totalCost, splitLines))
    }

    /// Plans once as the "plan" phase of `clock`, timing each step of the plan: the plan, its steps, and the phase's wall
    /// and processor seconds.
    func timedPlan(index: PlanningIndex, policy: Policy, asOf: Day, clock: inout PhaseClock)
        -> (Plan, PhaseClock, (wall: Double, cpu: Double)) {
        var steps = PhaseClock()
        let plan = Engine.plan(index: index, policy: policy, asOf: asOf, stepDone: { steps.lap($0) },
                               groupTimes: { steps.groupTimes = $0 })
        let wall = clock.lap("plan")
        return (plan, steps, (wall, clock.cpu[clock.cpu.count - 1]))
    }

    /// The first plan's wall and processor seconds, then those of as many more plans of the same index as `--repeat`
    /// asks for (each dropped before the next).
    func timedAgain(first: (wall: Double, cpu: Double), index: PlanningIndex, policy: Policy, asOf: Day) -> [(wall: Double, cpu: Double)] {
        var runs = [first]
        while runs.count < repeats {
            var clock = PhaseClock()
            let plan = Engine.plan(index: index, policy: policy, asOf: asOf)
            // Timed while the plan is still held: freeing its million recommendations is not planning.
            withExtendedLifetime(plan) { runs.append((clock.lap("plan"), clock.cpu[0])) }
        }
        return runs
    }

    /// One sku's re-plans: its lines, the solver's re-solve of its group, the whole incremental re-plan (the first
    /// after a full plan, then the next), and whether the result equals a full plan.
    struct Replan {
        var sku: SKU
        var lines: Int
        var solveMs: Double
        var firstMs: Double
        var wholeMs: Double
        var same: Bool
    }

    /// Re-plans a typical and the busiest sku after inventory changes, timing the solver's re-solve of the sku's group
    /// (`Engine.replanLines`) and the whole incremental re-plan that `allot watch` runs (`Engine.replan` in place:
    /// re-solve, ship-complete replay, splice), first right after a full plan and then after a second change. The
    /// result is checked against a full plan of the changed snapshot.
    func measureReplans(_ plan: Plan, index: inout PlanningIndex, snapshot: Snapshot, policy: Policy, asOf: Day) -> [Replan] {
        var count: [SKU: Int] = [:]
        for l in snapshot.lines { count[l.sku, default: 0] += 1 }
        let busiest = count.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key ?? ""
        let typical = count.sorted { ($0.value, $0.key) < ($1.value, $1.key) }[count.count / 2].key
        var replans: [Replan] = []
        var previous = plan
        for sku in [typical, busiest] {
            guard var pos = index.snapshot.inventory.first(where: { $0.sku == sku }) else { continue }
            pos.onHand = max(0, pos.onHand - 7)
            index.apply(inventory: pos)
            var t0 = Date()
            _ = Engine.replanLines(skus: [sku], index: index, policy: policy, asOf: asOf)
            let solveMs = Date().timeIntervalSince(t0) * 1000
            // The plan's own copy, made before the clock starts (a re-plan changes the plan it owns in place); the plan it
            // copies is not needed any more.
            var owned = previous.unsharedCopy()
            previous = Plan(asOf: asOf, policyVersion: policy.version, lines: [], summary: PlanSummary())
            t0 = Date()
            Engine.replan(skus: [sku], orders: [], plan: &owned, index: index, policy: policy, asOf: asOf)
            let firstMs = Date().timeIntervalSince(t0) * 1000
            pos.onHand = max(0, pos.onHand - 3)
            index.apply(inventory: pos)
            t0 = Date()
            Engine.replan(skus: [sku], orders: [], plan: &owned, index: index, policy: policy, asOf: asOf)
            let wholeMs = Date().timeIntervalSince(t0) * 1000
            // Check: the re-planned group's lines are those of a full plan of the changed snapshot, and the solver's
            // re-solve gives that plan's solver recommendations (before the passes that weigh other skus' lines).
            let full = Engine.plan(index: PlanningIndex(index.snapshot), policy: policy, asOf: asOf)
            let fresh = Engine.replanLines(skus: [sku], index: index, policy: policy, asOf: asOf)
            let group = Set(index.group(of: sku))
            let expected = full.lines.filter { group.contains($0.sku) }
            let got = owned.lines.filter { group.contains($0.sku) }
            let solved = expected.map { full.solverRecommendation($0.key) ?? $0 }
            let same = got.count == expected.count && fresh.count == expected.count
                && zip(got, expected).allSatisfy { a, b in a.allocations == b.allocations && a.short == b.short }
                && zip(fresh, solved).allSatisfy { a, b in a.allocations == b.allocations && a.short == b.short }
                && owned.summary == full.summary
            replans.append(Replan(sku: sku, lines: count[sku] ?? 0, solveMs: solveMs, firstMs: firstMs, wholeMs: wholeMs, same: same))
            previous = full
        }
        return replans
    }
}

/// Wall-clock and processor time per named phase (processor time tells a change's effect apart from a busy machine).
struct PhaseClock {
    private var last = Date()
    private var lastCPU = BenchImport.cpuSeconds()
    private(set) var phases: [(String, Double)] = []
    /// Processor seconds of each phase, in the order of `phases`.
    private(set) var cpu: [Double] = []
    /// How a timed plan's step "solve groups" spent its time, by part (`Engine.plan(…groupTimes:)`).
    var groupTimes: GroupTimes?
    @discardableResult
    mutating func lap(_ name: String) -> Double {
        let now = Date(), used = BenchImport.cpuSeconds()
        let s = now.timeIntervalSince(last)
        phases.append((name, s)); cpu.append(used - lastCPU); last = now; lastCPU = used
        return s
    }
    /// Each phase's wall and processor time, one line each.
    func printPhases(indent: String = "  ") {
        for ((name, seconds), cpu) in zip(phases, cpu) {
            let label = name.padding(toLength: max(16 - indent.count, name.count + 1), withPad: " ", startingAt: 0)
            print(indent + label + String(format: "%8.3f s  (cpu %.3f s)", seconds, cpu))
        }
    }
    /// The plan's steps, then the fastest and the median of repeated runs' wall and processor seconds (nothing for a
    /// single run).
    static func printSteps(_ steps: PhaseClock, runs: [(wall: Double, cpu: Double)]) {
        print("  plan steps:")
        steps.printPhases(indent: "    ")
        if let times = steps.groupTimes {
            // Each worker's clock while it works on a part, summed over the cores: comparable with the step's cpu.
            print("    solve groups by part (summed over the cores):")
            for part in GroupTimes.Part.allCases {
                print("      " + part.name.padding(toLength: 18, withPad: " ", startingAt: 0) + String(format: "%8.3f s", times.seconds(part)))
            }
        }
        guard runs.count > 1 else { return }
        let wall = runs.map(\.wall).sorted(), cpu = runs.map(\.cpu).sorted(), mid = (runs.count - 1) / 2
        print(String(format: "  plan x%d: wall fastest %.3f s, median %.3f s; cpu fastest %.3f s, median %.3f s", runs.count,
                     wall[0], wall[mid], cpu[0], cpu[mid]))
    }
    /// Lines of a plan served from more than one allocation.
    static func splitLines(_ plan: Plan) -> Int { plan.lines.reduce(0) { $0 + ($1.allocations.count > 1 ? 1 : 0) } }
    /// The process's peak resident memory (getrusage maxrss), in megabytes.
    static func peakMemoryMB() -> Int {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Int(u.ru_maxrss) / 1024
    }
}
