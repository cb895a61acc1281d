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
        allocations(r.allocations, into: &out)
        out += ",\"short\":\(r.short),\"status\":\"\(r.status.rawValue)\",\"exceptions\":["
        out += r.exceptions.map { "\"\($0.rawValue)\"" }.joined(separator: ",")
        out += "],\"rationale\":"; string(r.rationale, into: &out)
        out += "}"
    }

    /// A line's allocations as a JSON array (what the plan store keeps per line).
    public static func allocations(_ list: [Allocation]) -> String {
        var out = ""
        allocations(list, into: &out)
        return out
    }

    /// Appends `allocations(list)` (a plan's document writes each line's into itself, with no string of its own).
    static func allocations(_ list: [Allocation], into out: inout String) {
        out += "["
        for (k, a) in list.enumerated() {
            if k > 0 { out += "," }
            out += "{\"warehouse_id\":"; string(a.warehouseID, into: &out)
            out += ",\"qty\":\(a.qty),\"source\":"; string(a.source.description, into: &out)
            out += ",\"ship_date\":\"\(a.shipDate)\",\"arrival_date\":\"\(a.arrivalDate)\",\"cost\":"
            number(a.cost, decimals: 4, into: &out)
            out += ",\"mode\":\"\(a.mode.rawValue)\"}"
        }
        out += "]"
    }

    /// A decimal with at most `decimals` places and at least one (`84.0`, `10.5`, `0.667`).
    public static func number(_ x: Double, decimals: Int = 4) -> String {
        var out = ""
        number(x, decimals: decimals, into: &out)
        return out
    }

    /// Appends `number(x, decimals:)` (at least one decimal), its digits written into a buffer on the stack: a plan's
    /// store writes a cost for every allocation of a million lines.
    static func number(_ x: Double, decimals: Int, into out: inout String) {
        guard x.isFinite else { out += "0.0"; return }
        var scale: Int64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int64((abs(x) * Double(scale)).rounded())
        var whole = scaled / scale, frac = scaled % scale
        // The fraction's digits, zero-padded to `decimals`, less its trailing zeros (one digit always stays).
        var digits = max(1, decimals)
        while digits > 1 && frac % 10 == 0 { frac /= 10; digits -= 1 }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { b in
            var k = b.count
            for _ in 0..<digits { k -= 1; b[k] = UInt8(ascii: "0") + UInt8(frac % 10); frac /= 10 }
            k -= 1; b[k] = UInt8(ascii: ".")
            repeat { k -= 1; b[k] = UInt8(ascii: "0") + UInt8(whole % 10); whole /= 10 } while whole > 0
            if x < 0 && scaled != 0 { k -= 1; b[k] = UInt8(ascii: "-") }
            out += String(decoding: UnsafeBufferPointer(rebasing: b[k...]), as: UTF8.self)
        }
    }

    /// Appends `s` as a JSON string literal (quotes, backslashes and control characters escaped).
    public static func string(_ s: String, into out: inout String) {
        out += "\""
        // Most strings (ids, sentences) need no escape and go in whole. A byte that needs one is ASCII, never part of
        // a longer character's encoding, so looking at the bytes finds every one.
        guard s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            out += s
            out += "\""
            return
        }
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
