import ArgumentParser
import Foundation
import AllotCore
import AllotStore

/// `allot decide`: one decision on one line, under the same rules as the workbench.
struct Decide: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Accept, override, escalate, approve, reject, hold, release or cancel an order line, or add a note to it.",
        discussion: """
        The same rules as the workbench: the acting user must be listed in the mirror's users (users.csv) and \
        their role must allow the action; the reason code must be one the policy lists for the action (an action \
        with a single listed code uses it by default; releasing a line's units takes the codes of \
        reasons.release_units, lifting a hold those of reasons.release). An override is checked against current available-to-promise, \
        quotas and commitments; one that raises the cost per unit or the lateness beyond the policy's [override] \
        limits, breaks another customer's commitment or takes units planned for a higher-priority line is routed \
        to a supervisor (the line becomes escalated) instead of applied.

        Actions: accept (take the recommendation), override (--warehouse W --qty N, repeated; --source on_hand, \
        receipt:ID, transfer:FROM or substitute:SKU per allocation), escalate, approve and reject (a supervisor's \
        answer to an escalation; nobody approves their own), release (commit an accepted, overridden or approved \
        allocation as a reservation and an outbox event; on a held order, lift the hold — a credit hold only by \
        finance or customer service), hold and cancel (the whole order), note (--note TEXT: writes down what the \
        customer said or what was done, in the decision log and the audit; the line stays as it is; any role).

        Exit codes: 0 decided (also when routed to a supervisor — the output says so), 1 error (the mirror could \
        not be read or written), 3 refused: not permitted (role, unlisted user, own escalation), 4 refused: stale \
        (the line or its recommendation changed since it was read, or it needs a re-check), 5 refused: invalid \
        (the action does not fit the line's state, bad reason, not enough available to promise, quota, no lane), \
        64 usage error.
        """)

    @Argument(help: ArgumentHelp("The order line, as ORDER_ID:LINE (e.g. SO-1001:1).", valueName: "order:line"))
    var line: String

    @Argument(help: ArgumentHelp("accept, override, escalate, approve, reject, hold, release, cancel or note.", valueName: "action"))
    var action: String

    @Option(name: .long, help: ArgumentHelp("Reason code from the policy's [reasons] list for the action.", valueName: "code"))
    var reason: String?

    @Option(name: .long, help: ArgumentHelp("A free-text note kept with the decision and in the audit log.", valueName: "text"))
    var note: String?

    @Option(name: .long, help: ArgumentHelp("Override: a warehouse to ship from (repeat, paired with --qty).", valueName: "W"))
    var warehouse: [String] = []

    @Option(name: .long, help: ArgumentHelp("Override: units from the matching --warehouse (repeat).", valueName: "N"))
    var qty: [Int] = []

    @Option(name: .long, help: ArgumentHelp("Override: the supply of the matching --warehouse (repeat; default on_hand).", valueName: "source"))
    var source: [String] = []

    @Option(name: .customLong("as"), help: ArgumentHelp("Act as this user (listed in users.csv). Default: $USER, else $LOGNAME.", valueName: "user"))
    var asUser: String?

    @Option(name: .customLong("line-version"), help: ArgumentHelp("Refuse as stale unless the line is still at this version (what you saw).", valueName: "n"))
    var lineVersion: Int?

    @Option(name: .customLong("rec-version"), help: ArgumentHelp("Refuse as stale unless the recommendation is still at this version.", valueName: "n"))
    var recVersion: Int?

    @Flag(name: .long, help: "Print the result as one JSON object.")
    var json = false

    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard LineKey(line) != nil else { throw ValidationError("'\(line)' is not ORDER_ID:LINE") }
        guard DecisionAction(rawValue: action) != nil else {
            throw ValidationError("'\(action)' is not an action (\(DecisionAction.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard warehouse.count == qty.count else { throw ValidationError("give one --qty for each --warehouse (\(warehouse.count) vs \(qty.count))") }
        guard source.isEmpty || source.count == warehouse.count else {
            throw ValidationError("give one --source for each --warehouse, or none (\(source.count) vs \(warehouse.count))")
        }
        for s in source where SupplySource(s) == nil {
            throw ValidationError("--source '\(s)' is not on_hand, receipt:ID, transfer:FROM or substitute:SKU")
        }
    }

    func run() throws {
        let key = LineKey(line)!, act = DecisionAction(rawValue: action)!
        let mirror = try store.open()
        let decisions = DecisionStore(mirror: mirror)
        let env = ProcessInfo.processInfo.environment
        let name = asUser ?? env["USER"] ?? env["LOGNAME"] ?? ""
        do {
            guard !name.isEmpty else { throw DecisionRefusal.permission("no user: pass --as USER or set $USER") }
            let author = try decisions.author(named: name)
            // What the person saw: given explicitly, else the line as read now (a change before the write is stale).
            let now = try decisions.situation(key)
            let seen = SeenVersion(lineVersion: lineVersion ?? now?.version ?? 0,
                                   recommendationVersion: recVersion ?? now?.recommendation?.version)
            let allocations = warehouse.indices.map { i in
                RequestedAllocation(warehouseID: warehouse[i], qty: qty[i], source: source.isEmpty ? .onHand : SupplySource(source[i])!)
            }
            let result = try decisions.decide(LineDecision(line: key, action: act, actor: author, reasonCode: reason, note: note,
                                                           allocations: allocations, seen: seen))
            print(json ? Self.json(result) : result.summary)
        } catch let refusal as DecisionRefusal {
            if json {
                print(Self.json(["refused": refusal.kindName, "message": refusal.message, "line": key.description, "action": act.rawValue]))
            }
            printError("refused (\(refusal.kindName)): \(refusal.message)")
            throw ExitCode(refusal.exitCode)
        }
    }

    static func json(_ r: DecisionResult) -> String {
        let o = r.outcome
        return json([
            "line": o.transitions.first?.key.description ?? "",
            "action": o.action.rawValue,
            "state_before": o.transitions.first?.before.rawValue ?? "",
            "state_after": o.transitions.first?.after.rawValue ?? "",
            "escalated": o.wasEscalatedByPolicy,
            "escalation_reasons": o.escalationReasons,
            "lines": o.transitions.map { ["line": $0.key.description, "before": $0.before.rawValue, "after": $0.after.rawValue] },
            "events": o.events.map(\.type),
            "decision_ids": r.decisionIDs,
            "reason_code": o.reasonCode.map { $0 as Any } ?? NSNull(),
            "plan_id": r.planID.map { $0 as Any } ?? NSNull(),
        ])
    }

    static func json(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

extension DecisionRefusal {
    /// `permission`, `stale` or `invalid`.
    var kindName: String {
        switch self {
        case .permission: return "permission"
        case .stale: return "stale"
        case .invalid: return "invalid"
        }
    }
}
