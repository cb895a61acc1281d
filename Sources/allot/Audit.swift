import ArgumentParser
import Foundation
import AllotCore
import AllotStore

/// `allot audit`: the audit log, listed or verified.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "List the audit log of decisions, or verify its hash chain.",
        discussion: """
        Every decision (by a person or by the policy's auto-release), every "needs re-check" mark and every \
        decision refused because the person's role does not allow it (action "refused", the detail naming what \
        was refused and why) is an entry; \
        each entry's SHA-256 hash covers its contents and the previous entry's hash, so an entry changed, removed \
        or reordered outside Allot breaks the chain.

        --json prints one JSON object per entry (JSON Lines) with seq, at, user, role, action, order_id, line_no, \
        reason_code, note, plan_id, rec_version, state_before, state_after, before, after (allocations), detail, \
        prev_hash and hash.

        --verify checks the whole chain: exit 0 when intact, 2 naming the first entry changed, removed or \
        reordered, 1 on error.
        """)

    @Option(name: .long, help: ArgumentHelp("Only entries of this order.", valueName: "id"))
    var order: String?

    @Option(name: .long, help: ArgumentHelp("Only entries by this user (policy releases: policy:<version>).", valueName: "user"))
    var user: String?

    @Option(name: .long, help: ArgumentHelp("Only entries at or after this time (RFC 3339, or a date YYYY-MM-DD).", valueName: "time"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("At most this many entries.", valueName: "n"))
    var limit: Int?

    @Flag(name: .long, help: "Print entries as JSON Lines.")
    var json = false

    @Flag(name: .long, help: "Verify the hash chain instead of listing.")
    var verify = false

    @OptionGroup var store: StoreOptions

    func validate() throws {
        if let since, Timestamp(since) == nil { throw ValidationError("--since '\(since)' is not an RFC 3339 time or a date YYYY-MM-DD") }
    }

    func run() throws {
        let decisions = DecisionStore(mirror: try store.open())
        if verify {
            let v = try decisions.verifyAudit()
            if let problem = v.problem {
                printError("audit log broken: \(problem)")
                throw ExitCode(2)
            }
            print("audit log intact: \(v.checked) entr\(v.checked == 1 ? "y" : "ies")")
            return
        }
        let filter = AuditFilter(orderID: order, user: user, since: since.flatMap { Timestamp($0)?.description }, limit: limit)
        let entries = try decisions.auditEntries(filter)
        if json {
            for e in entries { print(Self.json(e)) }
            return
        }
        if entries.isEmpty { print("no audit entries"); return }
        for e in entries {
            let line = e.orderID.map { o in e.lineNo.map { "\(o):\($0)" } ?? o } ?? "-"
            var text = "\(String(e.seq).seqPad(5))  \(e.at)  \(e.user) (\(e.role))  \(e.action)  \(line)"
            if let b = e.stateBefore, let a = e.stateAfter { text += "  \(b) → \(a)" }
            if let r = e.reasonCode { text += "  [\(r)]" }
            if let n = e.note, !n.isEmpty { text += "  \"\(n)\"" }
            if let d = e.detail { text += "  — \(d)" }
            print(text)
        }
    }

    static func json(_ e: AuditEntry) -> String {
        func parsed(_ s: String?) -> Any {
            guard let s, let v = try? JSONSerialization.jsonObject(with: Data(s.utf8)) else { return NSNull() }
            return v
        }
        let object: [String: Any] = [
            "seq": e.seq, "at": e.at, "user": e.user, "role": e.role, "action": e.action,
            "order_id": e.orderID ?? NSNull(), "line_no": e.lineNo ?? NSNull(), "reason_code": e.reasonCode ?? NSNull(),
            "note": e.note ?? NSNull(), "plan_id": e.planID ?? NSNull(), "rec_version": e.recVersion ?? NSNull(),
            "state_before": e.stateBefore ?? NSNull(), "state_after": e.stateAfter ?? NSNull(),
            "before": parsed(e.before), "after": parsed(e.after), "detail": e.detail ?? NSNull(),
            "prev_hash": e.prevHash, "hash": e.hash,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

extension String {
    fileprivate func seqPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
