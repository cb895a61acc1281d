/// The contract's plan document (section 3), written byte for byte the same for the same plan: keys in a fixed
/// order, numbers in a fixed format, one line per order line so large plans stream and diff well.
public enum PlanJSON {
    public static func encode(_ plan: Plan) -> String {
        var out = ""
        out.reserveCapacity(64 + plan.lines.count * 320)
        out += "{\"as_of\":\"\(plan.asOf)\",\"policy_version\":"
        string(plan.policyVersion, into: &out)
        out += ",\"lines\":["
        for (i, r) in plan.lines.enumerated() {
            out += i == 0 ? "\n  " : ",\n  "
            line(r, into: &out)
        }
        let s = plan.summary
        out += "],\n \"summary\":{\"lines\":\(s.lines),\"auto\":\(s.auto),\"review\":\(s.review),\"held\":\(s.held),"
        out += "\"backorder\":\(s.backorder),\"fill_rate\":\(number(s.fillRate, decimals: 3)),\"total_cost\":\(number(s.totalCost))}}\n"
        return out
    }

    /// One line recommendation as a JSON object.
    public static func line(_ r: LineRecommendation, into out: inout String) {
        out += "{\"order_id\":"; string(r.orderID, into: &out)
        out += ",\"line_no\":\(r.lineNo),\"sku\":"; string(r.sku, into: &out)
        out += ",\"requested\":\(r.requested),\"priority_class\":\(r.priorityClass),\"allocations\":"
        out += allocations(r.allocations)
        out += ",\"short\":\(r.short),\"status\":\"\(r.status.rawValue)\",\"exceptions\":["
        out += r.exceptions.map { "\"\($0.rawValue)\"" }.joined(separator: ",")
        out += "],\"rationale\":"; string(r.rationale, into: &out)
        out += "}"
    }

    /// A line's allocations as a JSON array (what the plan store keeps per line).
    public static func allocations(_ list: [Allocation]) -> String {
        var out = "["
        for (k, a) in list.enumerated() {
            if k > 0 { out += "," }
            out += "{\"warehouse_id\":"; string(a.warehouseID, into: &out)
            out += ",\"qty\":\(a.qty),\"source\":"; string(a.source.description, into: &out)
            out += ",\"ship_date\":\"\(a.shipDate)\",\"arrival_date\":\"\(a.arrivalDate)\",\"cost\":\(number(a.cost)),\"mode\":\"\(a.mode.rawValue)\"}"
        }
        return out + "]"
    }

    /// A decimal with at most `decimals` places and at least one (`84.0`, `10.5`, `0.667`).
    public static func number(_ x: Double, decimals: Int = 4) -> String {
        guard x.isFinite else { return "0.0" }
        var scale: Int64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int64((abs(x) * Double(scale)).rounded())
        let whole = scaled / scale
        var frac = String(scaled % scale)
        frac = String(repeating: "0", count: decimals - frac.count) + frac
        while frac.count > 1 && frac.hasSuffix("0") { frac.removeLast() }
        return (x < 0 && scaled != 0 ? "-" : "") + "\(whole).\(frac)"
    }

    /// Appends `s` as a JSON string literal (quotes, backslashes and control characters escaped).
    public static func string(_ s: String, into out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else { out.unicodeScalars.append(u) }
            }
        }
        out += "\""
    }
}
