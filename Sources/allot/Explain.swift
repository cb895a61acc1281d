import ArgumentParser
import Foundation
import AllotCore
import AllotStore

/// `allot explain ORDER_ID[:LINE]`: the options table and rationale of one line (or every line of an order).
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show why a line got what it got: every supply that could serve it, and why each was or was not chosen.",
        discussion: """
        Re-plans the line's sku (exactly as `allot plan` does, with the same --as-of and policy: by default the \
        current plan's date, so that it explains the plan the workbench shows) and prints its \
        recommendation, its exceptions and the queue they route to, then one row per option: warehouse and \
        supply (on hand, a receipt, a transfer, a substitute), available to promise, units left free, ship and \
        arrival dates, days late, unit and total cost, margin after freight, units chosen, and a sentence saying \
        why (for example "ATL is cheaper but its 30 units went to tier-A order SO-1002 due 12-01"). A substitute's \
        row also says how likely this customer is to accept it, learned from past offers ("accepts 82% (14 of 17)", \
        or "accepts ~64% (tier A in family MX)" when the customer's own answers are too few and it borrows).
        """)

    @Argument(help: ArgumentHelp("The line, as ORDER_ID:LINE (or ORDER_ID for every line of the order).", valueName: "line"))
    var line: String

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Plan as of this date (YYYY-MM-DD). Default: the current plan's date, else today (UTC).",
                                                            valueName: "date"))
    var asOf: String?

    @Option(name: .long, help: ArgumentHelp("Use this policy file instead of the mirror's stored policy.", valueName: "file"))
    var policy: String?

    @OptionGroup var store: StoreOptions

    func run() throws {
        let mirror = try store.open()
        // Without --as-of, the date of the plan the workbench shows: explaining it as of today would describe another plan.
        let planned = asOf == nil ? try WorkbenchReads(mirror: mirror).currentPlan()?.asOf : nil
        let day = try planned ?? PlanInputs.day(asOf)
        let policy = try PlanInputs.policy(file: self.policy, mirror: mirror)
        let snapshot = try mirror.loadSnapshot()
        var keys: [LineKey] = []
        if let k = LineKey(line), snapshot.lines.contains(where: { $0.key == k }) { keys = [k] }
        else { keys = snapshot.lines.filter { $0.orderID == line }.map(\.key).sorted() }
        guard !keys.isEmpty else { throw ValidationError("no order line '\(line)' in the mirror (write ORDER_ID:LINE or ORDER_ID)") }
        let index = PlanningIndex(snapshot)
        let substitutions = try InsightReads(mirror: mirror).substitutionOutcomes()
        print("as of \(day)" + (planned != nil ? " (the current plan's date)" : asOf == nil ? " (today)" : "") + "\n")
        for (n, k) in keys.enumerated() {
            guard let e = Engine.explain(k, index: index, policy: policy, asOf: day) else {
                print("\(k): not planned (cancelled, or already released by Allot)")
                continue
            }
            if n > 0 { print("") }
            var acceptance: [SKU: SubstitutionAcceptance] = [:]
            for o in e.options { if case .substitute(let sub) = o.source {
                acceptance[sub] = substitutions.estimate(customerID: e.customerID, sku: e.recommendation.sku, substituteSKU: sub, policy: policy)
            } }
            print(ExplainText.text(e, policy: policy, acceptance: acceptance))
        }
    }
}

/// The terminal text of one line's explanation.
enum ExplainText {
    /// `acceptance`: per substitute sku, how likely the customer is to accept it (shown first in its `why`).
    static func text(_ e: LineExplanation, policy: Policy, acceptance: [SKU: SubstitutionAcceptance] = [:]) -> String {
        let r = e.recommendation
        var out = "\(r.key)  \(r.sku)  \(r.requested) requested, due \(e.requestedDate)  customer \(e.customerID)"
        out += e.tier.isEmpty ? "" : " (tier \(e.tier))"
        out += e.region.map { ", ship to \($0)" } ?? ""
        out += "\nstatus \(r.status.rawValue)"
        out += r.exceptions.isEmpty ? ", no exceptions" : "  exceptions \(r.exceptions.map(\.rawValue).joined(separator: ", "))"
        if let q = Engine.queue(for: r, policy: policy) { out += "  → \(q.rawValue)" }
        out += "\nallocated \(r.allocated), short \(r.short), priority class \(r.priorityClass)"
        out += String(format: ", cost %.2f", r.cost)
        out += "\n\(r.rationale)\n\noptions\n"
        let header = ["warehouse", "source", "sku", "atp", "free", "ship", "arrive", "late", "mode", "unit", "total", "margin", "chosen", "why"]
        func why(_ o: SourcingOption) -> String {
            guard case .substitute(let sub) = o.source, let a = acceptance[sub] else { return o.note }
            return o.note.isEmpty ? a.summary : a.summary + "; " + o.note
        }
        var rows = [header]
        for o in e.options {
            rows.append([o.warehouseID, o.source.description, o.sku, "\(o.atp)", "\(o.free)", o.shipDate?.short ?? "-",
                         o.arrivalDate?.short ?? "-", o.daysLate.map(String.init) ?? "-", o.mode?.rawValue ?? "-",
                         o.unitCost.map { String(format: "%.2f", $0) } ?? "-", o.totalCost.map { String(format: "%.2f", $0) } ?? "-",
                         o.marginAfterFreight.map { String(format: "%.1f%%", $0 * 100) } ?? "-", o.chosenQty > 0 ? "\(o.chosenQty)" : "", why(o)])
        }
        if e.options.isEmpty { return out + "  (no warehouse stocks this sku or a substitute)" }
        let widths = (0..<header.count - 1).map { c in rows.map { $0[c].count }.max() ?? 0 }
        let numeric: Set<Int> = [3, 4, 7, 9, 10, 11, 12]
        for row in rows {
            var line = "  "
            for c in 0..<header.count - 1 {
                let cell = row[c], pad = String(repeating: " ", count: widths[c] - cell.count)
                line += (numeric.contains(c) ? pad + cell : cell + pad) + "  "
            }
            out += line + row[header.count - 1] + "\n"
        }
        return String(out.dropLast())
    }
}
