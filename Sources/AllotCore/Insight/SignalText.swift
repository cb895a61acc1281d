/// The assisted-decision signals as plain text, each with its basis (inputs, history size, confidence).
public enum Signal: String, CaseIterable, Sendable, Codable {
    case stockout, promises, substitutes, rebalance, unusual, overrides
}

extension InsightText {
    static func basis(_ b: SignalBasis) -> [String] {
        ["      basis: \(b.historySize) in history, confidence \(b.confidence.rawValue)"] + b.inputs.map { "        · \($0)" }
    }

    /// The signals `which` (all when nil), at most `limit` items each.
    public static func signals(_ d: AssistedDecisions, which: Signal?, limit: Int, withBasis: Bool = true) -> String {
        var out: [String] = []
        func section(_ s: Signal, _ title: String, _ count: Int, _ lines: () -> [String]) {
            guard which == nil || which == s else { return }
            if !out.isEmpty { out.append("") }
            out.append("\(title) (\(count))")
            if count == 0 { out.append("  nothing to show") } else { out += lines() }
            if count > limit { out.append("  … \(count - limit) more (--limit)") }
        }
        let atRisk = d.stockout.filter(\.atRisk)
        let stockoutItems = which == .stockout ? d.stockout : atRisk
        section(.stockout, which == .stockout ? "Stockout outlook per sku × warehouse" : "Stockout risk", stockoutItems.count) {
            stockoutItems.prefix(limit).flatMap { r -> [String] in
                let cover = r.daysOfCover.map { Fmt.fixed($0, 1) + " days" } ?? "> \(StockoutModel.horizonDays) days"
                let head = "  \(r.atRisk ? "!" : " ") \(pad(r.sku, 12)) \(pad(r.warehouseID, 6)) cover \(lpad(cover, 11))"
                    + (r.runOutDate.map { ", runs out \($0)" } ?? "")
                    + (r.stockoutProbability.map { ", P(stockout in window) \(Fmt.percent($0, 0))" } ?? "")
                return [head] + (withBasis ? basis(r.basis) : [])
            }
        }
        section(.promises, "At-risk promises", d.promises.count) {
            d.promises.prefix(limit).flatMap { p -> [String] in
                ["  \(p.atRisk ? "!" : " ") \(pad(p.line, 14)) receipt \(pad(p.receiptID, 12)) \(pad(p.supplier, 14)) slack \(p.slackDays)d  P(miss) \(Fmt.percent(p.probabilityOfMissing, 0)) [\(Fmt.percent(p.interval[0], 0))–\(Fmt.percent(p.interval[1], 0))]"]
                    + (withBasis ? basis(p.basis) : [])
            }
        }
        section(.substitutes, "Substitution acceptance", d.substitutes.count) {
            d.substitutes.prefix(limit).flatMap { s -> [String] in
                ["  \(s.autoEligible ? "✓" : " ") \(pad(s.customerID, 10)) \(s.sku) → \(pad(s.substituteSKU, 12)) accepts \(Fmt.percent(s.acceptance, 0)) [\(Fmt.percent(s.interval[0], 0))–\(Fmt.percent(s.interval[1], 0))] \(s.autoEligible ? "auto" : "ask customer service")"]
                    + (withBasis ? basis(s.basis) : [])
            }
        }
        section(.rebalance, "Rebalancing transfers (a supervisor approves)", d.rebalance.count) {
            d.rebalance.prefix(limit).flatMap { t -> [String] in
                ["  \(pad(t.id, 28)) \(lpad(String(t.qty), 6)) × \(t.sku) \(t.from)→\(t.to) arrives \(t.arrivalDate), cost \(Fmt.fixed(t.cost, 2))",
                 "      \(t.reason)"] + (withBasis ? basis(t.basis) : [])
            }
        }
        section(.unusual, "Unusual decisions", d.unusual.count) {
            d.unusual.prefix(limit).flatMap { u -> [String] in
                ["  ! \(pad(u.line, 14)) \(u.kind.rawValue)"] + u.findings.map { "      \($0.reason)" } + (withBasis ? basis(u.basis) : [])
            }
        }
        section(.overrides, "Override likelihood (review lines)", d.overrides.count) {
            d.overrides.prefix(limit).flatMap { o -> [String] in
                ["  \(o.likely ? "!" : " ") \(pad(o.line, 14)) \(Fmt.percent(o.probability, 0)) likely to be overridden (base \(Fmt.percent(o.baseRate, 0)))"]
                    + (withBasis ? basis(o.basis) : [])
            }
        }
        if which == nil && !d.holdForReview.isEmpty {
            out.append("")
            out.append("Held from auto-release by policy thresholds (\(d.holdForReview.count))")
            for a in d.holdForReview.prefix(limit) { out.append("  \(pad(a.line, 14)) " + a.reasons.joined(separator: "; ")) }
        }
        return out.joined(separator: "\n")
    }

    public static func evaluation(_ e: EvaluationReport) -> String {
        func p(_ v: Double?) -> String { Fmt.percent(v, 0) }
        func f(_ v: Double?) -> String { v.map { Fmt.fixed($0, 3) } ?? "–" }
        var out = ["Backtest: trained on the earliest \(Fmt.percent(e.trainFraction, 0)) of each history, tested on the rest", ""]
        let s = e.stockout
        out.append("  demand forecast (stockout)  \(s.series) series: MAE \(f(s.mae)) units/day (plain mean: \(f(s.naiveMAE))), bias \(f(s.bias))"
                   + (s.method.map { ", model \($0.phrase)" } ?? ""))
        if !s.methodMAE.isEmpty {
            out.append("                              held-out MAE of each candidate (chosen on the training days alone): "
                       + DemandMethod.allCases.compactMap { m in s.methodMAE[m.rawValue].map { "\(m.rawValue) \(f($0))" } }.joined(separator: ", "))
        }
        for b in [e.promises, e.substitutes, e.overrides, e.unusual] {
            var line = "  \(pad(b.model, 27)) trained \(b.trained), tested \(b.tested): \(b.positives) happened, \(b.flagged) flagged, precision \(p(b.precision)), recall \(p(b.recall))"
            if let br = b.brier { line += ", Brier \(f(br)) (base rate: \(f(b.baselineBrier)))" }
            out.append(line)
        }
        out.append("")
        out.append("A model earns trust when it beats its baseline (lower MAE or Brier) with enough cases tested.")
        return out.joined(separator: "\n")
    }
}
