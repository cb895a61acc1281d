import Foundation
import AllotCore
import AllotStore

extension WorkbenchReducer {
    static func decisionAction(_ intent: Intent) -> DecisionAction? {
        switch intent {
        case .accept: return .accept
        case .override: return .override
        case .escalate: return .escalate
        case .approve: return .approve
        case .reject: return .reject
        case .hold: return .hold
        case .release: return .release
        case .cancelOrder: return .cancel
        case .note: return .note
        default: return nil
        }
    }

    /// Starts a decision: accept goes straight to the store; the others open the override editor or the rationale prompt.
    static func decide(_ s: inout WorkbenchState, _ intent: Intent) -> [Command] {
        guard let action = decisionAction(intent) else { return [] }
        let target: DecisionTarget
        if s.screen == .held {
            guard let order = s.held.selectedRow else { s.flash = Flash("no order selected", isError: true); return [] }
            guard [.hold, .release, .cancel, .note].contains(action) else {
                s.flash = Flash("\(action.rawValue) works on a line: Enter opens the order's lines", isError: true)
                return []
            }
            target = .order(order.orderID, firstLine: order.firstLineNo)
        } else {
            guard let line = selectedLine(s) else {
                s.flash = Flash("\(action.rawValue): no line selected here", isError: true)
                return []
            }
            if (action == .approve || action == .reject), s.screen != .escalations, !(s.escalations.rows.contains { $0.key == line.key }) {
                s.flash = Flash("\(action.rawValue): \(line.key) is not waiting for approval (see :escalations)", isError: true)
                return []
            }
            if action == .cancel {
                s.flash = Flash("cancel works on an order: see :held", isError: true)
                return []
            }
            target = .line(line.key, version: line.version, lineVersion: line.lineVersion)
        }
        if action == .override { return openOverride(&s) }
        let request = ConfirmedDecision(action: action, target: target, reason: "", note: "")
        // Releasing a line that is not held releases its units (its own reasons); on a held one it lifts the hold.
        let reasons = s.policy.reasonCodes(for: action, releasingUnits: s.screen != .held && !selectedLineHeld(s))
        if !action.needsRationale {
            var r = request
            r.reason = reasons.first ?? "AS_RECOMMENDED"
            s.flash = Flash("\(action.rawValue) \(target)…")
            return [.decide(r)]
        }
        s.mode = .rationale(RationalePrompt(request: request, reasons: reasons))
        return []
    }

    /// Opens the override editor asked for from another screen once the line and its options are both in.
    static func overrideIfPending(_ s: inout WorkbenchState) -> [Command] {
        guard let d = s.detail, s.pendingOverride == d.key, d.detail != nil || d.missing, d.optionsLoaded || d.missing else { return [] }
        s.pendingOverride = nil
        return openOverride(&s)
    }

    /// Opens the override editor on the line in view (from the queue, after its options have loaded).
    static func openOverride(_ s: inout WorkbenchState) -> [Command] {
        guard let line = selectedLine(s) else { s.flash = Flash("override: no line selected", isError: true); return [] }
        guard case .detail = s.screen, let d = s.detail, d.key == line.key, let detail = d.detail, d.optionsLoaded else {
            s.pendingOverride = line.key
            return push(&s, .detail(line.key))
        }
        guard !d.options.isEmpty else {
            s.flash = Flash("override \(line.key): no sourcing options to choose from", isError: true)
            return []
        }
        var editor = OverrideEditor(key: line.key, version: detail.row.version, lineVersion: detail.row.lineVersion,
                                    requested: detail.row.requested, choices: d.options)
        if d.pane == .options { editor.cursor = min(d.cursor.selected, d.options.count - 1) }
        s.mode = .override(editor)
        return []
    }

    /// Brings the decided line's version up to date on the rows in view before the reload arrives, so that the next
    /// key on the same line is judged against the decision just made, not refused as stale. The store moves the
    /// addressed line's version on by exactly one for every decision but a note, and refuses any decision made
    /// against a version other than the one seen, so the new version is known.
    static func noteOwnDecision(_ s: inout WorkbenchState, _ request: ConfirmedDecision) {
        guard request.action != .note, case .line(let key, _, let seen) = request.target else { return }
        for i in s.queue.rows.indices where s.queue.rows[i].key == key && s.queue.rows[i].lineVersion == seen {
            s.queue.rows[i].lineVersion = seen + 1
        }
        if s.detail?.detail?.row.key == key, s.detail?.detail?.row.lineVersion == seen { s.detail?.detail?.row.lineVersion = seen + 1 }
        for i in s.escalations.rows.indices where s.escalations.rows[i].key == key && s.escalations.rows[i].lineVersion == seen {
            s.escalations.rows[i].lineVersion = seen + 1
        }
    }

    static func rationaleKey(_ s: inout WorkbenchState, _ prompt: RationalePrompt, _ key: Key) -> [Command] {
        var p = prompt
        switch key {
        case .escape:
            s.mode = .normal
            s.flash = Flash("\(p.request.action.rawValue) cancelled: nothing recorded")
            return []
        case .up:
            p.reasonIndex = max(0, p.reasonIndex - 1)
        case .down, .tab:
            p.reasonIndex = min(p.reasons.count - 1, p.reasonIndex + 1)
        case .enter:
            var r = p.request
            r.reason = p.reason
            r.note = p.note.text.trimmingCharacters(in: .whitespaces)
            if r.action == .note && r.note.isEmpty {
                s.flash = Flash("a note needs its text: type it, or Esc to cancel", isError: true)
                s.mode = .rationale(p)
                return []
            }
            s.mode = .normal
            s.flash = Flash(r.action == .note ? "note on \(r.target)…" : "\(r.action.rawValue) \(r.target) (\(r.reason))…")
            return [.decide(r)]
        default:
            _ = p.note.edit(key)
        }
        s.mode = .rationale(p)
        return []
    }

    static func overrideKey(_ s: inout WorkbenchState, _ editor: OverrideEditor, _ key: Key) -> [Command] {
        var e = editor
        let n = e.choices.count
        switch key {
        case .escape:
            s.mode = .normal
            s.flash = Flash("override cancelled: nothing recorded")
            return []
        case .up, .char("k"): e.cursor = max(0, e.cursor - 1); e.typed = nil
        case .down, .char("j"), .tab: e.cursor = min(n - 1, e.cursor + 1); e.typed = nil
        case .left, .char("-"), .char("h"): e.quantities[e.cursor] = max(0, e.quantities[e.cursor] - 1); e.typed = nil
        case .right, .char("+"), .char("l"): e.quantities[e.cursor] += 1; e.typed = nil
        case .char("m"):
            // All of the line on the selected option, as far as it has units; nothing elsewhere.
            for i in e.quantities.indices { e.quantities[i] = 0 }
            e.quantities[e.cursor] = min(e.requested, e.choices[e.cursor].available); e.typed = nil
        case .char(let c) where c.isNumber:
            let digits = (e.typed ?? "") + String(c)
            e.typed = digits
            e.quantities[e.cursor] = Int(digits.prefix(9)) ?? 0
        case .backspace:
            let digits = String((e.typed ?? String(e.quantities[e.cursor])).dropLast())
            e.typed = digits
            e.quantities[e.cursor] = Int(digits) ?? 0
        case .enter:
            if let problem = e.problem {
                s.flash = Flash("override: \(problem)", isError: true)
                s.mode = .override(e)
                return []
            }
            let request = ConfirmedDecision(action: .override, target: .line(e.key, version: e.version, lineVersion: e.lineVersion), reason: "", note: "",
                                          allocations: e.allocations)
            s.mode = .rationale(RationalePrompt(request: request, reasons: s.policy.reasonCodes(for: .override)))
            return []
        default:
            break
        }
        s.mode = .override(e)
        return []
    }
}
