import Foundation
import AllotCore

/// The side-by-side text of `allot plan --what-if`.
struct WhatIfReport {
    let snapshot: Snapshot
    let base: Plan
    let other: Plan
    let baseName: String
    let otherName: String

    var text: String {
        let c = PlanComparison(snapshot: snapshot, base: base, other: other, tierOrder: [])
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        func pct(_ a: Int, _ b: Int) -> String { b == 0 ? "-" : String(format: "%.1f%%", Double(a) * 100 / Double(b)) }
        var out = "what-if: \(baseName) (\(base.policyVersion))  vs  \(otherName) (\(other.policyVersion)), as of \(base.asOf)\n\n"
        out += pad("", 22) + pad("base", 16) + "what-if\n"
        out += pad("fill rate", 22) + pad(String(format: "%.1f%%", c.base.fillRate * 100), 16) + String(format: "%.1f%%", c.other.fillRate * 100) + "\n"
        out += pad("total cost", 22) + pad(String(format: "%.2f", c.base.totalCost), 16) + String(format: "%.2f", c.other.totalCost) + "\n"
        for (name, a, b) in [("auto", c.base.auto, c.other.auto), ("review", c.base.review, c.other.review),
                             ("held", c.base.held, c.other.held), ("backorder", c.base.backorder, c.other.backorder)] {
            out += pad("lines \(name)", 22) + pad("\(a)", 16) + "\(b)\n"
        }
        out += "\nfill rate by tier\n"
        for t in c.tiers {
            out += pad("  \(t.tier.isEmpty ? "(none)" : t.tier)", 22) + pad(pct(t.base, t.requested), 16) + pct(t.other, t.requested) + "\n"
        }
        out += "\nexceptions by type\n"
        if c.exceptions.isEmpty { out += "  none\n" }
        for e in c.exceptions { out += pad("  \(e.kind.rawValue)", 22) + pad("\(e.base)", 16) + "\(e.other)\n" }
        out += "\n\(c.changes.count) line\(c.changes.count == 1 ? "" : "s") change\(c.changes.count == 1 ? "s" : "")"
        out += c.changes.isEmpty ? "\n" : (c.changes.count > 25 ? " (first 25)\n" : "\n")
        func brief(_ r: LineRecommendation) -> String {
            let a = r.allocations.map { "\($0.qty)@\($0.warehouseID)" }.joined(separator: "+")
            return "\(r.status.rawValue) \(a.isEmpty ? "-" : a)"
        }
        for ch in c.changes.prefix(25) {
            let also = Self.alsoChanged(ch.base, ch.other)
            out += "  " + pad(ch.key.description, 16) + pad(ch.base.sku, 12) + pad(brief(ch.base), 30) + "→ " + brief(ch.other)
                + (also.isEmpty ? "" : "  (" + also + ")") + "\n"
        }
        return out
    }

    /// What changed beyond the status and the units per warehouse the row shows: exceptions gained and lost, the
    /// promised arrival, the sources. Without it a line whose only change is, say, SHIP_COMPLETE read "review 14@DAL →
    /// review 14@DAL".
    static func alsoChanged(_ a: LineRecommendation, _ b: LineRecommendation) -> String {
        var parts: [String] = []
        let gained = b.exceptions.filter { !a.exceptions.contains($0) }, lost = a.exceptions.filter { !b.exceptions.contains($0) }
        parts += gained.map { "+" + $0.rawValue } + lost.map { "-" + $0.rawValue }
        if let x = a.promiseDate, let y = b.promiseDate, x != y { parts.append("arrives \(x.short) → \(y.short)") }
        let sources = { (r: LineRecommendation) in r.allocations.map(\.source.description).joined(separator: "+") }
        if !a.allocations.isEmpty && !b.allocations.isEmpty && sources(a) != sources(b) { parts.append("from \(sources(a)) → \(sources(b))") }
        return parts.joined(separator: ", ")
    }
}
