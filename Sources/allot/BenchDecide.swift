import ArgumentParser
import Foundation
import AllotCore
import AllotStore

/// `allot bench decide`: the speed of the governed write path — policy auto-release, single decisions, the audit
/// chain check and the outbox export — on a synthetic scenario.
struct BenchDecide: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decide",
        abstract: "Measure decision speed: auto-release, accept + release one line at a time, audit verify, export.",
        discussion: """
        Generates a seeded synthetic scenario, imports it into a new mirror in a temporary folder and plans it; then \
        times the policy's auto-release of every `auto` line (one transaction), --decisions accept-then-release pairs \
        on review lines (each its own transaction, as a person deciding; per-decision latency percentiles), the \
        audit chain verification of every entry, and the export of every pending outbox event. Build with \
        `swift build -c release` for meaningful figures.
        """)

    @Option(help: "Order lines to generate.") var lines = 100_000
    @Option(help: "Skus to generate.") var skus = 5_000
    @Option(help: "Warehouses to generate.") var warehouses = 10
    @Option(help: "Accept-and-release pairs to time.") var decisions = 300
    @Option(help: "Random seed of the scenario.") var seed: UInt64 = 1

    func run() throws {
        var clock = PhaseClock()
        let params = ScenarioGenerator.Parameters(orderLines: lines, skus: skus, warehouses: warehouses, seed: seed)
        let snapshot = ScenarioGenerator(params).generate()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("allot-bench-decide-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("scenario").path
        try FileManager.default.createDirectory(atPath: csv, withIntermediateDirectories: true)
        _ = try SnapshotWriter.write(snapshot, policyTOML: ScenarioGenerator.policyTOML, to: csv)
        let mirror = try Mirror(path: dir.appendingPathComponent("mirror.sqlite").path)
        try SnapshotImporter(mirror: mirror).importSnapshot(directory: csv)
        let policy = try mirror.storedPolicy()
        let loaded = try mirror.loadSnapshot()
        let plan = Engine.plan(snapshot: loaded, policy: policy, asOf: params.today)
        let planID = try PlanStore(mirror: mirror).save(plan, snapshot: loaded, policy: policy,
                                                        inputHash: PlanStore.inputHash(snapshot: loaded, policy: policy, asOf: params.today))
        clock.lap("setup (generate, import, plan, store)")

        let store = DecisionStore(mirror: mirror)
        let released = try store.recordPolicyReleases(planID: planID)
        let autoTime = clock.lap("auto-release")

        let planner = DecisionAuthor.user(User(name: "bench-planner", role: .planner))
        let candidates = plan.lines.filter { $0.status == .review && $0.allocated > 0 && $0.exceptions.allSatisfy { $0 != .creditHold } }
        var latencies: [Double] = []
        var refused = 0
        for rec in candidates.prefix(decisions) {
            for (action, reason) in [(DecisionAction.accept, nil as String?), (.release, "OTHER")] {
                let t0 = Date()
                do { try store.decide(LineDecision(line: rec.key, action: action, actor: planner, reasonCode: reason)) } catch is DecisionRefusal {
                    refused += 1
                }
                latencies.append(Date().timeIntervalSince(t0) * 1000)
            }
        }
        let decideTime = clock.lap("decisions")

        let verification = try store.verifyAudit()
        let verifyTime = clock.lap("audit verify")
        let events = try store.pendingEvents()
        let text = events.map(\.jsonLine).joined(separator: "\n")
        let exportTime = clock.lap("export")

        latencies.sort()
        func pct(_ p: Double) -> Double { latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        print("scenario: \(lines) lines, \(skus) skus, \(warehouses) warehouses; plan \(plan.summary.auto) auto, \(plan.summary.review) review")
        for (name, s) in clock.phases { print(String(format: "  %-40@ %8.3f s", name as NSString, s)) }
        print(String(format: "auto-release: %d lines in %.3f s (%.0f lines/s)", released, autoTime, Double(released) / max(autoTime, 1e-9)))
        print(String(format: "decisions: %d (%d refused) in %.3f s; per decision p50 %.1f ms, p95 %.1f ms, max %.1f ms",
                     latencies.count, refused, decideTime, pct(0.5), pct(0.95), latencies.last ?? 0))
        print(String(format: "audit verify: %d entries in %.3f s (%@)", verification.checked, verifyTime,
                     (verification.isIntact ? "intact" : verification.problem ?? "broken") as NSString))
        print(String(format: "export: %d events (%d bytes) in %.3f s", events.count, text.utf8.count, exportTime))
        print("peak memory: \(PhaseClock.peakMemoryMB()) MB")
    }
}
