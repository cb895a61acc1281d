import AllotCore
import AllotStore

/// `:metrics`: the allocation process metrics and the assisted-decision signals at a glance — bars, sparklines
/// of the last eight weeks and the exception-aging histogram, drawn as text so they read the same in monochrome.
public struct MetricsPanel: WorkbenchPanel {
    public init() {}
    public var name: String { "metrics" }
    public var title: String { "Metrics" }

    static let weeks = 8
    static let barWidth = 20

    public func load(_ mirror: Mirror, now: Timestamp) throws -> PanelContent {
        let policy = try mirror.storedPolicy()
        let reads = InsightReads(mirror: mirror)
        let report = ProcessMetrics.report(try reads.metricsInput(policy: policy), since: nil, asOf: now, slaHours: policy.slaHours, weeks: Self.weeks)
        let signals = AssistedDecisions.compute(try reads.insightInputs(asOf: now.day, policy: policy), policy: policy.insight)
        return Self.content(report, signals: signals)
    }

    /// The panel's text for a report and its signals (pure, so screens can be tested without a mirror).
    public static func content(_ r: MetricsReport, signals: AssistedDecisions?) -> PanelContent {
        let m = r.overall, a = r.exceptionAging
        var rows: [[String]] = [], tones: [PanelContent.Tone] = []
        func add(_ cells: [String], _ tone: PanelContent.Tone = .normal) { rows.append(cells); tones.append(tone) }
        func section(_ title: String, _ value: String = "", _ note: String = "") { add(["── " + title, value, note, ""], .muted) }
        func rate(_ label: String, _ v: Double?, _ weekly: [Double?], goodWhenHigh: Bool, warnAt: Double) {
            let tone: PanelContent.Tone = v.map { goodWhenHigh ? ($0 < warnAt ? .warning : .good) : ($0 > warnAt ? .warning : .normal) } ?? .muted
            add(["  " + label, Fmt.percent(v), TextBar.bar(v ?? 0, width: barWidth), Sparkline.text(weekly)], tone)
        }
        let wk = r.weekly.map(\.metrics)

        section("flow")
        add(["  cycle time p50 / p90", "\(InsightText.hours(m.cycleTimeP50Hours)) / \(InsightText.hours(m.cycleTimeP90Hours))", "",
             Sparkline.text(wk.map(\.cycleTimeP50Hours))])
        add(["  decided lines", String(m.lines), "", Sparkline.text(wk.map { Double($0.lines) })])
        rate("manual intervention", m.manualInterventionRate, wk.map(\.manualInterventionRate), goodWhenHigh: false, warnAt: 0.6)
        rate("override rate", m.overrideRate, wk.map(\.overrideRate), goodWhenHigh: false, warnAt: 0.2)
        section("service")
        rate("fill rate units", m.fillRateUnits, wk.map(\.fillRateUnits), goodWhenHigh: true, warnAt: 0.95)
        rate("fill rate lines", m.fillRateLines, wk.map(\.fillRateLines), goodWhenHigh: true, warnAt: 0.9)
        rate("fill rate orders", m.fillRateOrders, wk.map(\.fillRateOrders), goodWhenHigh: true, warnAt: 0.85)
        rate("promise accuracy", m.promiseAccuracy, wk.map(\.promiseAccuracy), goodWhenHigh: true, warnAt: 0.95)
        rate("reservation accuracy", m.reservationAccuracy, wk.map(\.reservationAccuracy), goodWhenHigh: true, warnAt: 0.95)
        section("cost")
        rate("split shipments", m.splitShipmentRate, wk.map(\.splitShipmentRate), goodWhenHigh: false, warnAt: 0.1)
        rate("expedited freight", m.expediteRate, wk.map(\.expediteRate), goodWhenHigh: false, warnAt: 0.05)
        rate("integration failures", r.integrationFailureRate, [], goodWhenHigh: false, warnAt: 0.01)

        section("exception aging", "\(a.total.count) open", "\(a.total.pastSLA) past SLA")
        let most = a.histogram.max() ?? 0
        for (i, bucket) in ExceptionAging.buckets.enumerated() {
            let n = a.histogram[i]
            add(["  " + bucket.label, String(n), TextBar.bar(most == 0 ? 0 : Double(n) / Double(most), width: barWidth), ""], i >= 3 && n > 0 ? .warning : .normal)
        }
        for g in a.byQueue {
            add(["  queue " + g.name, "\(g.count) open", "p50 \(InsightText.hours(g.p50Hours)) · oldest \(InsightText.hours(g.oldestHours))",
                 g.pastSLA > 0 ? "\(g.pastSLA) past SLA" : ""], g.pastSLA > 0 ? .danger : .normal)
        }
        if !m.overrideReasons.isEmpty {
            section("override reasons")
            let top = m.overrideReasons.values.max() ?? 1
            for (reason, n) in m.overrideReasons.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) {
                add(["  " + reason, String(n), TextBar.bar(Double(n) / Double(top), width: barWidth), ""])
            }
        }
        if let s = signals {
            section("assisted decisions", "", "allot insight")
            let risky = s.stockout.filter(\.atRisk)
            add(["  stockout risk", "\(risky.count) at risk", "of \(s.stockout.count) sku × warehouse",
                 risky.first.map { "first: \($0.sku)@\($0.warehouseID)" } ?? ""], risky.isEmpty ? .good : .warning)
            let late = s.promises.filter(\.atRisk)
            add(["  at-risk promises", "\(late.count) lines", "of \(s.promises.count) waiting on receipts",
                 late.first.map { $0.supplier } ?? ""], late.isEmpty ? .good : .warning)
            add(["  substitutes auto-eligible", "\(s.substitutes.filter(\.autoEligible).count)", "of \(s.substitutes.count) options", ""])
            add(["  rebalancing transfers", "\(s.rebalance.count)", "await a supervisor", ""], s.rebalance.isEmpty ? .normal : .warning)
            add(["  unusual decisions", "\(s.unusual.count)", "flagged for review", ""], s.unusual.isEmpty ? .good : .warning)
            add(["  likely overrides", "\(s.overrides.filter(\.likely).count)", "of \(s.overrides.count) review lines", ""])
        }
        let summary = ["\(m.lines) decided lines, as of \(r.asOf)  ·  \(a.total.count) open exceptions, \(r.slaBreaches) past SLA  ·  sparklines: last \(r.weekly.count) weeks"]
        return PanelContent(summary: summary,
                            columns: [.init("metric", width: 28), .init("value", width: 14, alignRight: true),
                                      .init("", width: barWidth + 2), .init("last weeks", width: 18)],
                            rows: rows, tones: tones)
    }
}
