/// Plain-text renderings of the metrics and the signals, for the terminal commands (and anything that wants
/// the same words the dashboard uses).
public enum InsightText {
    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
    static func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
    /// Hours under two days (`7.5h`), days beyond (`3.2d`), `–` when unknown.
    public static func hours(_ h: Double?) -> String {
        guard let h else { return "–" }
        return h >= 48 ? Fmt.fixed(h / 24, 1) + "d" : Fmt.fixed(h, 1) + "h"
    }

    /// The headline figures, one a line, as `(label, value)` pairs shared by the text report and the dashboard.
    public static func headline(_ m: LineMetrics) -> [(String, String)] {
        [("decided lines", String(m.lines)),
         ("cycle time p50 / p90", "\(hours(m.cycleTimeP50Hours)) / \(hours(m.cycleTimeP90Hours))"),
         ("manual intervention", Fmt.percent(m.manualInterventionRate)),
         ("override rate", Fmt.percent(m.overrideRate)),
         ("fill rate units / lines / orders", "\(Fmt.percent(m.fillRateUnits)) / \(Fmt.percent(m.fillRateLines)) / \(Fmt.percent(m.fillRateOrders))"),
         ("split shipments", Fmt.percent(m.splitShipmentRate)),
         ("expedited freight", Fmt.percent(m.expediteRate)),
         ("promise accuracy", Fmt.percent(m.promiseAccuracy) + (m.promisesMeasured > 0 ? " of \(m.promisesMeasured) delivered" : "")
            + (m.meanDaysLate.map { ", late ones \(Fmt.fixed($0, 1)) days on average" } ?? "")),
         ("reservation accuracy", Fmt.percent(m.reservationAccuracy))]
    }

    public static func metrics(_ r: MetricsReport) -> String {
        var out: [String] = []
        out.append("Allocation metrics \(r.since.map { "since \($0)" } ?? "over all history"), as of \(r.asOf)")
        out.append("")
        for (label, value) in headline(r.overall) { out.append("  \(pad(label, 34)) \(value)") }
        out.append("  \(pad("integration failure rate", 34)) \(Fmt.percent(r.integrationFailureRate)) (\(r.eventsRejected) rejected of \(r.eventsReceived) events)")
        if !r.overall.overrideReasons.isEmpty {
            out.append("")
            out.append("Override reasons")
            for (reason, n) in r.overall.overrideReasons.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) {
                out.append("  \(pad(reason, 26)) \(lpad(String(n), 5))")
            }
        }
        out.append("")
        let a = r.exceptionAging
        out.append("Exception aging: \(a.total.count) open, p50 \(hours(a.total.p50Hours)), p90 \(hours(a.total.p90Hours)), oldest \(hours(a.total.oldestHours)), \(a.total.pastSLA) past SLA")
        if a.total.count > 0 {
            out.append("  \(pad("", 22)) \(lpad("open", 5)) \(lpad("p50", 7)) \(lpad("p90", 7)) \(lpad("oldest", 7)) \(lpad("past SLA", 9))")
            for (title, groups) in [("by type", a.byType), ("by queue", a.byQueue)] {
                out.append("  \(title)")
                for g in groups {
                    out.append("    \(pad(g.name, 20)) \(lpad(String(g.count), 5)) \(lpad(hours(g.p50Hours), 7)) \(lpad(hours(g.p90Hours), 7)) \(lpad(hours(g.oldestHours), 7)) \(lpad(String(g.pastSLA), 9))")
                }
            }
        }
        if let d = r.dimension {
            out.append("")
            out.append("By \(d.rawValue)")
            out.append("  \(pad(d.rawValue, 18)) \(lpad("lines", 6)) \(lpad("cycle p50", 10)) \(lpad("manual", 7)) \(lpad("override", 9)) \(lpad("fill", 7)) \(lpad("split", 7)) \(lpad("on time", 8)) \(lpad("open exc", 9))")
            for row in r.breakdown {
                let m = row.metrics
                out.append("  \(pad(row.value, 18)) \(lpad(String(m.lines), 6)) \(lpad(hours(m.cycleTimeP50Hours), 10)) \(lpad(Fmt.percent(m.manualInterventionRate, 0), 7)) \(lpad(Fmt.percent(m.overrideRate, 0), 9)) \(lpad(Fmt.percent(m.fillRateUnits, 0), 7)) \(lpad(Fmt.percent(m.splitShipmentRate, 0), 7)) \(lpad(Fmt.percent(m.promiseAccuracy, 0), 8)) \(lpad(String(row.openExceptions), 9))")
            }
        }
        if !r.weekly.isEmpty {
            out.append("")
            out.append("Last \(r.weekly.count) weeks (oldest first)")
            out.append("  lines        \(Sparkline.text(r.weekly.map { Double($0.metrics.lines) }))")
            out.append("  fill rate    \(Sparkline.text(r.weekly.map { $0.metrics.fillRateUnits }))")
            out.append("  override     \(Sparkline.text(r.weekly.map { $0.metrics.overrideRate }))")
            out.append("  on time      \(Sparkline.text(r.weekly.map { $0.metrics.promiseAccuracy }))")
        }
        return out.joined(separator: "\n")
    }

    public static func alerts(_ alerts: [SLAAlert]) -> String {
        guard !alerts.isEmpty else { return "No exception is past its SLA." }
        var out = ["\(alerts.count) exception(s) past SLA", "  \(pad("line", 16)) \(pad("type", 20)) \(pad("queue", 17)) \(lpad("waiting", 8)) \(lpad("SLA", 6)) \(lpad("overdue", 8))"]
        for a in alerts {
            out.append("  \(pad(a.key.description, 16)) \(pad(a.kind.rawValue, 20)) \(pad(a.queue.rawValue, 17)) \(lpad(hours(a.ageHours), 8)) \(lpad(hours(a.slaHours), 6)) \(lpad(hours(a.overdueHours), 8))")
        }
        return out.joined(separator: "\n")
    }
}

/// Sparklines from eighth blocks; a missing value is a gap.
public enum Sparkline {
    public static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// Block levels 0...7 of each value, scaled between the series' min and max (nil for missing values).
    public static func levels(_ values: [Double?]) -> [Int?] {
        let present = values.compactMap { $0 }
        guard let lo = present.min(), let hi = present.max() else { return values.map { _ in nil } }
        return values.map { v in
            guard let v else { return nil }
            return hi > lo ? Int(((v - lo) / (hi - lo) * 7).rounded()) : 3
        }
    }

    public static func text(_ values: [Double?]) -> String {
        String(levels(values).map { $0.map { blocks[$0] } ?? " " })
    }
}

/// Horizontal bars from full and light blocks: the filled part is legible without colour.
public enum TextBar {
    public static func bar(_ fraction: Double, width: Int) -> String {
        let f = min(max(fraction.isFinite ? fraction : 0, 0), 1)
        let full = Int((f * Double(width)).rounded())
        return String(repeating: "█", count: full) + String(repeating: "░", count: width - full)
    }
}
