/// The plain sentence that says why a line got what it got, naming the factors that decided it.
enum Rationale {
    static func sentence(for r: LineRecommendation, work w: LineWork, line l: Int, solver s: GroupSolver,
                         holders: [Int], index: PlanningIndex, policy: Policy) -> String {
        if w.isHeld, let order = index.order(ofLine: w.lineIndex) {
            var why: [String] = []
            if w.orderHold {
                why.append("order \(order.id) is on hold" + (order.holdReason.map { " (\($0))" } ?? ""))
            }
            if w.creditHold { why.append("customer \(order.customerID) is on credit hold") }
            return "Not allocated: " + why.joined(separator: " and ") + "."
        }
        if r.requested == 0 { return "Nothing requested." }
        // The sentence's bytes, appended piece by piece into a buffer on the stack and made a string once (a string grown
        // by a dozen appends checks its storage at each, and keeps the capacity reserved for the longest sentence).
        return SentenceBytes.string { write(r, work: w, line: l, solver: s, holders: holders, index: index, policy: policy, to: &$0) }
    }

    /// The sentence of an unheld line with something requested (see `sentence`). Numbers, dates and phrases are
    /// written straight into the buffer: an interpolated clause would be a string of its own first.
    private static func write(_ r: LineRecommendation, work w: LineWork, line l: Int, solver s: GroupSolver, holders: [Int],
                              index: PlanningIndex, policy: Policy, to text: inout SentenceBytes) {
        appendPriority(w, tier: s.p.tierName(of: l), to: &text)
        if r.allocations.isEmpty {
            text += ": nothing allocated"
        } else {
            let allocated = r.allocated
            if allocated == r.requested { text += ": all "; text.append(r.requested) } else {
                text += ": "; text.append(allocated); text += " of "; text.append(r.requested)
            }
            if r.allocations.count == 1 {
                let a = r.allocations[0]
                text += " from "; text += a.warehouseID; text += " "; writeSource(a.source, to: &text)
                text += ", ships "; text.append(a.shipDate); text += ", arrives "; text.append(a.arrivalDate)
                let late = a.arrivalDate - w.requestedDate
                if late > 0 { text += " ("; text.append(late); text += late == 1 ? " day late)" : " days late)" } else { text += " on time" }
            } else {
                for (k, a) in r.allocations.enumerated() {
                    text += k == 0 ? " (" : ", "
                    text.append(a.qty); text += " from "; text += a.warehouseID; text += " "; writeSource(a.source, to: &text)
                }
                text += ")"
            }
        }
        // The reasons follow, each after "; " (there is always at least one).
        if w.committedFill > 0 { text += "; "; text.append(w.committedFill); text += " protected by the customer's commitment" }
        // Expedite is taken when it arrives sooner than ground at less cost with lateness: sometimes still late.
        if r.exceptions.contains(.expedite) { text += r.exceptions.contains(.late) ? "; expedited to arrive sooner" : "; expedited to arrive on time" }
        if r.short > 0 || r.allocations.isEmpty {
            text += "; "
            writeShortReason(r, w: w, l: l, s: s, holders: holders, index: index, policy: policy, to: &text)
        } else if r.allocations.count > 1 {
            text += "; split because no single source had "; text.append(r.requested); text += " left"
        } else {
            text += "; the cheapest eligible source"
        }
        if policy.cost.agingBonusPerUnitDay > 0, r.allocations.contains(where: { $0.source == .onHand }) {
            text += "; oldest stock first"
        }
        text += "."
    }

    /// "Tier A, class 1 (…)": the line's priority and what moved it, in one parenthesis ("critical item, lifted one
    /// class; customer below service target").
    static func appendPriority(_ w: LineWork, tier: String, to t: inout SentenceBytes) {
        if tier.isEmpty { t += "Class " } else { t += "Tier "; t += tier; t += ", class " }
        t.append(w.priorityClass)
        let moved = w.overridden ? "priority override" : w.criticalLift ? "critical item, lifted one class" : ""
        if !moved.isEmpty { t += " ("; t += moved }
        if w.serviceBelowTarget { t += moved.isEmpty ? " (" : "; "; t += "customer below service target" }
        if !moved.isEmpty || w.serviceBelowTarget { t += ")" }
    }

    /// "on hand", "receipt PO-7", "via transfer from ATL", "as substitute MX-200".
    static func sourcePhrase(_ s: SupplySource, at w: WarehouseID) -> String { SentenceBytes.string { writeSource(s, to: &$0) } }

    /// `sourcePhrase`, written into a sentence.
    static func writeSource(_ s: SupplySource, to t: inout SentenceBytes) {
        switch s {
        case .onHand: t += "on hand"
        case .receipt(let id): t += "receipt "; t += id
        case .transfer(let from): t += "via transfer from "; t += from
        case .substitute(let sku): t += "as substitute "; t += sku
        }
    }

    /// Why line `l` is short (after "; " in its sentence).
    static func writeShortReason(_ r: LineRecommendation, w: LineWork, l: Int, s: GroupSolver, holders: [Int],
                                 index: PlanningIndex, policy: Policy, to t: inout SentenceBytes) {
        let missing = r.requested - r.allocated
        if w.quotaLimited { t.append(missing); t += " short: tier "; t += s.p.tierName(of: l); t += "'s quota is used up"; return }
        if !w.allowPartial && r.allocated == 0 && !s.eligible[w.cls].isEmpty {
            let total = s.eligible[w.cls].reduce(0) { $0 + s.p.buckets[$1].capacity }
            if total > 0 && total < r.requested || s.eligible[w.cls].contains(where: { s.cap[$0] > 0 }) {
                t += "all or nothing, and only part of "; t.append(r.requested); t += " could be found"
                return
            }
        }
        t.append(missing)
        if s.eligible[w.cls].isEmpty || s.eligible[w.cls].allSatisfy({ s.p.buckets[$0].capacity == 0 }) {
            t += " short: no stock or receipt can reach the customer within "; t.append(policy.cost.maxLateDays)
            t += " days of "; t.append(w.requestedDate)
            return
        }
        var taker = -1
        for b in s.eligible[w.cls] where b < holders.count {
            let h = holders[b]
            if h >= 0 && h != l && (taker < 0 || s.rank[h] < s.rank[taker]) { taker = h }
        }
        if w.commitmentConflict { t += " short: stock went to a customer's commitment"; return }
        if taker >= 0 {
            t += " short: the eligible stock went to earlier lines (first "
            writeTaker(taker, s: s, index: index, to: &t)
            t += ")"
            return
        }
        t += " short: the eligible stock is used up"
    }

    /// "tier-A order SO-1 due 12-03": the line that took a short line's stock (its tier named when it has one).
    static func takerPhrase(_ t: Int, s: GroupSolver, index: PlanningIndex) -> String {
        SentenceBytes.string { writeTaker(t, s: s, index: index, to: &$0) }
    }

    /// `takerPhrase`, written into a sentence.
    static func writeTaker(_ t: Int, s: GroupSolver, index: PlanningIndex, to text: inout SentenceBytes) {
        let tier = s.p.tierName(of: t)
        if !tier.isEmpty { text += "tier-"; text += tier; text += " " }
        text += "order "; text += index.order(ofLine: s.p.lines[t].lineIndex)?.id ?? ""
        text += " due "; text.append(s.p.lines[t].requestedDate)
    }
}

/// The bytes of one rationale sentence being written: UTF-8 copied into a buffer on the stack (past its end, into an
/// array), made a string of exactly its length once at the end.
struct SentenceBytes {
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private var count = 0
    private var overflow: [UInt8] = []

    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) { self.buffer = buffer }

    /// The string `write` writes, through a buffer on the stack.
    static func string(_ write: (inout SentenceBytes) -> Void) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 384) { buffer in
            var text = SentenceBytes(buffer)
            write(&text)
            return text.string
        }
    }

    static func += (t: inout SentenceBytes, s: String) {
        var s = s
        s.withUTF8 { t.append($0) }
    }

    private mutating func append(_ u: UnsafeBufferPointer<UInt8>) {
        if overflow.isEmpty && count + u.count <= buffer.count {
            if let base = u.baseAddress { (buffer.baseAddress! + count).update(from: base, count: u.count) }
            count += u.count
        } else {
            if overflow.isEmpty { overflow.append(contentsOf: buffer[0..<count]) }
            overflow.append(contentsOf: u)
        }
    }

    /// Appends `n` in decimal.
    mutating func append(_ n: Int) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var v = n.magnitude, k = digits.count
            repeat { k -= 1; digits[k] = UInt8(ascii: "0") + UInt8(v % 10); v /= 10 } while v > 0
            if n < 0 { k -= 1; digits[k] = UInt8(ascii: "-") }
            append(UnsafeBufferPointer(rebasing: digits[k...]))
        }
    }

    /// Appends a day as `Day.short` writes it ("12-03").
    mutating func append(_ day: Day) {
        let (y, m, d) = day.components
        guard (0...9999).contains(y) else { self += day.short; return }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 5) { b in
            b[0] = UInt8(ascii: "0") + UInt8(m / 10); b[1] = UInt8(ascii: "0") + UInt8(m % 10); b[2] = UInt8(ascii: "-")
            b[3] = UInt8(ascii: "0") + UInt8(d / 10); b[4] = UInt8(ascii: "0") + UInt8(d % 10)
            append(UnsafeBufferPointer(b))
        }
    }

    var string: String {
        overflow.isEmpty ? String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<count]), as: UTF8.self)
            : String(decoding: overflow, as: UTF8.self)
    }
}
