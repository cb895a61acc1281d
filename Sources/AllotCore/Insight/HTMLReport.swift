/// The standalone HTML report of `allot metrics --html FILE`: the dashboard's figures and charts as one page with
/// inline SVG and CSS, no scripts and no external assets, so it can be mailed or archived as is.
public enum HTMLReport {
    static func esc(_ s: String) -> String {
        var o = ""
        for c in s {
            switch c {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            default: o.append(c)
            }
        }
        return o
    }

    /// A horizontal bar chart of labelled values (fractions are shown as percentages when `percent`).
    static func bars(_ items: [(String, Double)], percent: Bool, title: String) -> String {
        let width = 520.0, rowH = 22.0, labelW = 170.0
        let maxV = max(items.map(\.1).max() ?? 0, percent ? 1 : 1e-9)
        var svg = "<svg role=\"img\" aria-label=\"\(esc(title))\" width=\"\(Int(width))\" height=\"\(Int(rowH * Double(items.count) + 4))\">"
        for (i, (label, v)) in items.enumerated() {
            let y = Double(i) * rowH + 2
            let w = max(0, (width - labelW - 70) * v / maxV)
            let text = percent ? Fmt.percent(v, 1) : Fmt.fixed(v, v < 10 ? 1 : 0)
            svg += "<text x=\"0\" y=\"\(y + 15)\" class=\"lbl\">\(esc(label))</text>"
            svg += "<rect x=\"\(labelW)\" y=\"\(y + 3)\" width=\"\(Fmt.fixed(w, 1))\" height=\"\(rowH - 8)\" class=\"bar\"/>"
            svg += "<text x=\"\(Fmt.fixed(labelW + w + 6, 1))\" y=\"\(y + 15)\" class=\"val\">\(text)</text>"
        }
        return svg + "</svg>"
    }

    /// A sparkline of weekly values; missing weeks break the line.
    static func sparkline(_ values: [Double?], title: String) -> String {
        let w = 160.0, h = 32.0
        let present = values.compactMap { $0 }
        var svg = "<svg role=\"img\" aria-label=\"\(esc(title))\" width=\"\(Int(w))\" height=\"\(Int(h))\">"
        guard let lo = present.min(), let hi = present.max(), values.count > 1 else { return svg + "</svg>" }
        var path = "", pen = false
        for (i, v) in values.enumerated() {
            guard let v else { pen = false; continue }
            let x = Double(i) / Double(values.count - 1) * (w - 6) + 3
            let y = hi > lo ? (h - 4) - (v - lo) / (hi - lo) * (h - 8) : h / 2
            path += "\(pen ? "L" : "M")\(Fmt.fixed(x, 1)),\(Fmt.fixed(y, 1)) "
            pen = true
        }
        svg += "<path d=\"\(path)\" class=\"spark\"/>"
        if let last = values.last ?? nil {
            let y = hi > lo ? (h - 4) - (last - lo) / (hi - lo) * (h - 8) : h / 2
            svg += "<circle cx=\"\(Fmt.fixed(w - 3, 1))\" cy=\"\(Fmt.fixed(y, 1))\" r=\"2.5\" class=\"dot\"/>"
        }
        return svg + "</svg>"
    }

    /// A vertical histogram of the exception age buckets.
    static func histogram(_ counts: [Int]) -> String {
        let w = 420.0, h = 140.0, n = Double(max(counts.count, 1))
        let maxC = Double(max(counts.max() ?? 0, 1))
        let colW = w / n
        var svg = "<svg role=\"img\" aria-label=\"exception age histogram\" width=\"\(Int(w))\" height=\"\(Int(h + 34))\">"
        for (i, c) in counts.enumerated() {
            let bh = Double(c) / maxC * h
            let x = Double(i) * colW
            svg += "<rect x=\"\(Fmt.fixed(x + 6, 1))\" y=\"\(Fmt.fixed(h - bh + 14, 1))\" width=\"\(Fmt.fixed(colW - 12, 1))\" height=\"\(Fmt.fixed(bh, 1))\" class=\"\(i >= 3 ? "bar old" : "bar")\"/>"
            svg += "<text x=\"\(Fmt.fixed(x + colW / 2, 1))\" y=\"\(Fmt.fixed(h - bh + 10, 1))\" class=\"val\" text-anchor=\"middle\">\(c)</text>"
            svg += "<text x=\"\(Fmt.fixed(x + colW / 2, 1))\" y=\"\(Int(h + 30))\" class=\"lbl\" text-anchor=\"middle\">\(esc(ExceptionAging.buckets[i].label))</text>"
        }
        return svg + "</svg>"
    }

    public static func render(_ r: MetricsReport, signals: AssistedDecisions? = nil, title: String = "Allot — allocation metrics") -> String {
        let m = r.overall
        var h = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(esc(title))</title>
        <style>
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1d2330;background:#fff}
        h1{font-size:1.5rem;margin-bottom:.2rem} h2{font-size:1.1rem;margin-top:2rem;border-bottom:1px solid #d0d5de;padding-bottom:.2rem}
        .sub{color:#5b6476} table{border-collapse:collapse;margin:.5rem 0} td,th{padding:.25rem .7rem;text-align:right;border-bottom:1px solid #eceff4}
        td:first-child,th:first-child{text-align:left} th{font-weight:600;color:#3a4254}
        .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:.8rem}
        .card{border:1px solid #d0d5de;border-radius:6px;padding:.6rem .8rem} .card .k{color:#5b6476;font-size:.85rem} .card .v{font-size:1.35rem;font-weight:600}
        .lbl{font-size:12px;fill:#3a4254} .val{font-size:12px;fill:#1d2330} .bar{fill:#3b6fb6} .bar.old{fill:#b6493b}
        .spark{fill:none;stroke:#3b6fb6;stroke-width:1.6} .dot{fill:#1d2330} .warn{color:#b6493b;font-weight:600}
        @media print{.card{break-inside:avoid}}
        </style></head><body>
        <h1>\(esc(title))</h1>
        <p class="sub">\(r.since.map { "Since \($0)" } ?? "All history"), as of \(r.asOf). \(m.lines) decided lines; \(r.exceptionAging.total.count) open exceptions, <span class="\(r.slaBreaches > 0 ? "warn" : "")">\(r.slaBreaches) past SLA</span>.</p>
        <h2>Headline</h2><div class="cards">
        """
        func card(_ k: String, _ v: String, _ spark: [Double?]?) {
            h += "<div class=\"card\"><div class=\"k\">\(esc(k))</div><div class=\"v\">\(esc(v))</div>"
            if let spark { h += sparkline(spark, title: k + ", last weeks") }
            h += "</div>\n"
        }
        let wk = r.weekly.map(\.metrics)
        card("cycle time p50 / p90", "\(InsightText.hours(m.cycleTimeP50Hours)) / \(InsightText.hours(m.cycleTimeP90Hours))", wk.map(\.cycleTimeP50Hours))
        card("manual intervention", Fmt.percent(m.manualInterventionRate), wk.map(\.manualInterventionRate))
        card("override rate", Fmt.percent(m.overrideRate), wk.map(\.overrideRate))
        card("fill rate (units)", Fmt.percent(m.fillRateUnits), wk.map(\.fillRateUnits))
        card("fill rate (lines / orders)", "\(Fmt.percent(m.fillRateLines)) / \(Fmt.percent(m.fillRateOrders))", wk.map(\.fillRateLines))
        card("split shipments", Fmt.percent(m.splitShipmentRate), wk.map(\.splitShipmentRate))
        card("expedited freight", Fmt.percent(m.expediteRate), wk.map(\.expediteRate))
        card("promise accuracy", Fmt.percent(m.promiseAccuracy), wk.map(\.promiseAccuracy))
        card("reservation accuracy", Fmt.percent(m.reservationAccuracy), wk.map(\.reservationAccuracy))
        card("integration failure rate", Fmt.percent(r.integrationFailureRate), nil)
        h += "</div>\n<h2>Rates</h2>\n"
        let rates: [(String, Double?)] = [("manual intervention", m.manualInterventionRate), ("override rate", m.overrideRate),
                                          ("fill rate units", m.fillRateUnits), ("fill rate lines", m.fillRateLines), ("fill rate orders", m.fillRateOrders),
                                          ("split shipments", m.splitShipmentRate), ("expedite", m.expediteRate), ("promise accuracy", m.promiseAccuracy),
                                          ("reservation accuracy", m.reservationAccuracy), ("integration failures", r.integrationFailureRate)]
        h += bars(rates.compactMap { l, v in v.map { (l, $0) } }, percent: true, title: "rates")
        if !m.overrideReasons.isEmpty {
            h += "\n<h2>Override reasons</h2>\n"
            h += bars(m.overrideReasons.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { ($0.key, Double($0.value)) }, percent: false, title: "override reasons")
        }
        let a = r.exceptionAging
        h += "\n<h2>Exception aging</h2>\n" + histogram(a.histogram)
        h += "\n<table><tr><th>group</th><th>open</th><th>p50</th><th>p90</th><th>oldest</th><th>past SLA</th></tr>"
        for g in [a.total] + a.byType + a.byQueue {
            h += "<tr><td>\(esc(g.name))</td><td>\(g.count)</td><td>\(InsightText.hours(g.p50Hours))</td><td>\(InsightText.hours(g.p90Hours))</td><td>\(InsightText.hours(g.oldestHours))</td><td class=\"\(g.pastSLA > 0 ? "warn" : "")\">\(g.pastSLA)</td></tr>"
        }
        h += "</table>\n"
        if let d = r.dimension {
            h += "<h2>By \(esc(d.rawValue))</h2>\n<table><tr><th>\(esc(d.rawValue))</th><th>lines</th><th>cycle p50</th><th>manual</th><th>override</th><th>fill units</th><th>split</th><th>on time</th><th>open exceptions</th></tr>"
            for row in r.breakdown {
                let x = row.metrics
                h += "<tr><td>\(esc(row.value))</td><td>\(x.lines)</td><td>\(InsightText.hours(x.cycleTimeP50Hours))</td><td>\(Fmt.percent(x.manualInterventionRate))</td><td>\(Fmt.percent(x.overrideRate))</td><td>\(Fmt.percent(x.fillRateUnits))</td><td>\(Fmt.percent(x.splitShipmentRate))</td><td>\(Fmt.percent(x.promiseAccuracy))</td><td>\(row.openExceptions)</td></tr>"
            }
            h += "</table>\n"
            h += bars(r.breakdown.compactMap { row in row.metrics.fillRateUnits.map { (row.value, $0) } }, percent: true, title: "fill rate by \(d.rawValue)")
        }
        if !r.weekly.isEmpty {
            h += "\n<h2>Weekly</h2>\n<table><tr><th>week of</th><th>lines</th><th>cycle p50</th><th>fill</th><th>override</th><th>on time</th></tr>"
            for w in r.weekly {
                h += "<tr><td>\(w.weekStart)</td><td>\(w.metrics.lines)</td><td>\(InsightText.hours(w.metrics.cycleTimeP50Hours))</td><td>\(Fmt.percent(w.metrics.fillRateUnits))</td><td>\(Fmt.percent(w.metrics.overrideRate))</td><td>\(Fmt.percent(w.metrics.promiseAccuracy))</td></tr>"
            }
            h += "</table>\n"
        }
        if let s = signals {
            h += "<h2>Assisted decisions</h2>\n<table><tr><th>signal</th><th>flagged</th><th>of</th></tr>"
            h += "<tr><td>stockout risk</td><td>\(s.stockout.filter(\.atRisk).count)</td><td>\(s.stockout.count) sku × warehouse</td></tr>"
            h += "<tr><td>at-risk promises</td><td>\(s.promises.filter(\.atRisk).count)</td><td>\(s.promises.count) receipt-dependent lines</td></tr>"
            h += "<tr><td>substitutes auto-eligible</td><td>\(s.substitutes.filter(\.autoEligible).count)</td><td>\(s.substitutes.count) substitute options</td></tr>"
            h += "<tr><td>rebalancing transfers</td><td>\(s.rebalance.count)</td><td>recommended</td></tr>"
            h += "<tr><td>unusual decisions</td><td>\(s.unusual.count)</td><td>\(s.unusual.count) flagged</td></tr>"
            h += "<tr><td>likely overrides</td><td>\(s.overrides.filter(\.likely).count)</td><td>\(s.overrides.count) review lines</td></tr></table>\n"
            let risky = s.stockout.filter(\.atRisk).prefix(15)
            if !risky.isEmpty {
                h += "<h2>Stockout risk: days of cover</h2>\n"
                h += bars(risky.map { ("\($0.sku) @ \($0.warehouseID)", $0.daysOfCover ?? 0) }, percent: false, title: "days of cover")
            }
        }
        h += "\n<p class=\"sub\">Generated by allot. Every rate counts lines; definitions are in <code>allot help metrics</code>.</p>\n</body></html>\n"
        return h
    }
}
