/// The decision workflow: given a request and the line's situation, the outcome to apply or a typed refusal.
///
/// Pure and total: every check (permission, freshness, state, reason code, ATP, quotas, escalation rules)
/// happens here, so the TUI, the command line and the policy's auto-release obey the same rules.
public enum Workflow {
    /// Judges `request` on `situation`. `siblings` are the order's other lines (for hold, release of a hold,
    /// cancel); `supply` is needed for override, approve and release (their units are re-checked against ATP).
    public static func decide(_ request: LineDecision, situation s: LineSituation, siblings: [LineSituation] = [],
                              supply: DecisionSupply? = nil, policy: Policy) -> Result<DecisionEffects, DecisionRefusal> {
        // A note records what someone learned; it decides nothing, so a line that moved since is no reason to refuse it.
        if request.action != .note, let seen = request.seen, let refusal = staleness(seen: seen, situation: s) { return .failure(refusal) }
        let permission = requiredPermission(request.action, situation: s)
        switch request.actor {
        case .user(let user):
            guard user.role.may(permission) else {
                return .failure(.permission("\(user.name) (\(user.role.rawValue)) may not \(permission.phrase); allowed roles: \(permission.roles.map(\.rawValue).sorted().joined(separator: ", "))"))
            }
        case .policy:
            guard request.action == .release, s.state == .recommended, !s.needsRecheck,
                  s.recommendation?.line.status == .auto else {
                return .failure(.permission("the policy may only release lines whose recommendation has status auto"))
            }
        }
        if request.action != .override && !request.allocations.isEmpty {
            return .failure(.invalid("--warehouse/--qty are only for override"))
        }
        let reason: String?
        switch reasonCode(request, policy: policy, releasingUnits: requiredPermission(request.action, situation: s) == .releaseAllocation) {
        case .failure(let e): return .failure(e)
        case .success(let r): reason = r
        }
        var out = DecisionEffects(action: request.action, actor: request.actor, reasonCode: reason, note: request.note,
                                  transitions: [], escalationReasons: [], orderEffect: nil, unreserve: [], events: [])
        func move(_ l: LineSituation, to state: LineState, allocation: [Allocation], recVersion: Int? = nil, escalatedBy: String? = nil) -> LineTransition {
            LineTransition(key: l.key, sku: l.orderLine?.sku ?? l.recommendation?.line.sku, before: l.state, after: state,
                           allocationBefore: l.allocation, allocationAfter: allocation, decidedRecVersion: recVersion, escalatedBy: escalatedBy)
        }
        func event(_ type: String, line: LineSituation? = nil, allocations: [Allocation]? = nil, credit: Bool? = nil) -> WorkflowEvent {
            WorkflowEvent(type: type, orderID: s.key.orderID, lineNo: line?.key.lineNo, sku: line.flatMap { $0.orderLine?.sku ?? $0.recommendation?.line.sku },
                          customerID: s.order?.customerID, allocations: allocations, reasonCode: reason, note: request.note, credit: credit,
                          decidedBy: request.actor.name, role: request.actor.roleName)
        }

        switch request.action {
        case .accept:
            guard s.isOpenForDecision || s.state == .overridden || (s.state == .accepted && s.recommendationMoved) else {
                return .failure(notNow(request.action, s))
            }
            guard let rec = s.recommendation else { return .failure(noRecommendation(s)) }
            if s.onHold { return .failure(.invalid("order \(s.key.orderID) is on hold; release the hold first")) }
            guard rec.line.allocated > 0 else {
                return .failure(.invalid("nothing is allocated to \(s.key) (\(rec.line.status.rawValue)); override with --warehouse/--qty or escalate"))
            }
            out.transitions = [move(s, to: .accepted, allocation: rec.line.allocations, recVersion: rec.version)]

        case .override:
            guard s.isOpenForDecision || s.state == .accepted || s.state == .overridden else { return .failure(notNow(request.action, s)) }
            guard let rec = s.recommendation else { return .failure(noRecommendation(s)) }
            if s.onHold { return .failure(.invalid("order \(s.key.orderID) is on hold; release the hold first")) }
            guard let line = s.orderLine, let order = s.order, let supply else {
                return .failure(.invalid("line \(s.key) is not in the mirror"))
            }
            switch OverrideCheck.assess(request.allocations, line: line, order: order, customer: s.customer,
                                        recommendation: rec.line, supply: supply, policy: policy) {
            case .failure(let e): return .failure(e)
            case .success(let a):
                out.escalationReasons = a.escalationReasons
                out.transitions = [a.escalationReasons.isEmpty
                    ? move(s, to: .overridden, allocation: a.allocations, recVersion: rec.version)
                    : move(s, to: .escalated, allocation: a.allocations, recVersion: rec.version, escalatedBy: request.actor.name)]
            }

        case .escalate:
            guard s.isOpenForDecision || s.state == .accepted || s.state == .overridden else { return .failure(notNow(request.action, s)) }
            guard let rec = s.recommendation else { return .failure(noRecommendation(s)) }
            let proposal = (s.state == .accepted || s.state == .overridden) && !s.needsRecheck ? s.allocation : rec.line.allocations
            out.transitions = [move(s, to: .escalated, allocation: proposal, recVersion: rec.version, escalatedBy: request.actor.name)]

        case .approve, .reject:
            guard s.state == .escalated else { return .failure(notNow(request.action, s)) }
            if s.needsRecheck { return .failure(recheck(s)) }
            if request.action == .reject {
                out.transitions = [move(s, to: .rejected, allocation: [], recVersion: s.decidedRecVersion)]
                out.unreserve = [s.key]
                break
            }
            if s.escalatedBy == request.actor.name {
                return .failure(.permission("\(request.actor.name) escalated \(s.key) and cannot approve their own escalation"))
            }
            if let refusal = atpRefusal(s.allocation, situation: s, supply: supply) { return .failure(refusal) }
            out.transitions = [move(s, to: .approved, allocation: s.allocation, recVersion: s.decidedRecVersion)]
            out.events = [event("allocation.approved", line: s, allocations: s.allocation)]

        case .release:
            if s.state == .held || (s.onHold && (s.state == .recommended || s.state == .rejected)) {
                let credit = s.creditHold
                out.orderEffect = .releaseHold(credit: credit)
                out.transitions = ([s] + siblings).filter { $0.state == .held }.map { move($0, to: .recommended, allocation: []) }
                out.events = [event("order.released", credit: credit)]
                break
            }
            guard [.accepted, .overridden, .approved].contains(s.state) || isAutoRelease(request, s) else {
                return .failure(notNow(request.action, s))
            }
            if s.needsRecheck { return .failure(recheck(s)) }
            var units = s.allocation
            var recVersion = s.decidedRecVersion
            if isAutoRelease(request, s), let rec = s.recommendation {
                units = rec.line.allocations; recVersion = rec.version
            } else if s.state == .accepted, let rec = s.recommendation, let decided = s.decidedRecVersion, decided != rec.version {
                return .failure(.stale("the recommendation for \(s.key) changed (version \(decided) → \(rec.version)) since it was accepted; accept it again"))
            }
            guard units.reduce(0, { $0 + $1.qty }) > 0 else { return .failure(.invalid("nothing is allocated to \(s.key) to release")) }
            if !isAutoRelease(request, s), let refusal = atpRefusal(units, situation: s, supply: supply) { return .failure(refusal) }
            out.transitions = [move(s, to: .released, allocation: units, recVersion: recVersion)]
            out.events = [event("allocation.released", line: s, allocations: units)]

        case .hold:
            if s.state == .held || s.order?.status == .held { return .failure(.invalid("order \(s.key.orderID) is already on hold")) }
            if s.state == .cancelled { return .failure(notNow(request.action, s)) }
            out.orderEffect = .hold
            out.transitions = ([s] + siblings).filter { ![.released, .cancelled, .held].contains($0.state) }
                .map { move($0, to: .held, allocation: []) }
            out.events = [event("order.held")]

        case .note:
            // Writing a note changes nothing but the record, so it is allowed in every state, a cancelled order included.
            guard let text = request.note, !text.allSatisfy(\.isWhitespace) else {
                return .failure(.invalid("a note needs its text (--note \"…\")"))
            }

        case .cancel:
            if s.state == .cancelled || s.order?.status == .cancelled { return .failure(.invalid("order \(s.key.orderID) is already cancelled")) }
            out.orderEffect = .cancel
            let lines = ([s] + siblings).filter { $0.state != .cancelled }
            out.transitions = lines.map { move($0, to: .cancelled, allocation: []) }
            out.unreserve = lines.filter { $0.state == .released }.map(\.key)
            out.events = [event("order.cancelled")]
        }
        return .success(out)
    }

    /// The permission an action needs on this line (release depends on what is being released).
    public static func requiredPermission(_ action: DecisionAction, situation s: LineSituation) -> Permission {
        switch action {
        case .accept: return .accept
        case .override: return .override
        case .escalate: return .escalate
        case .approve: return .approve
        case .reject: return .reject
        case .hold: return .hold
        case .cancel: return .cancel
        case .note: return .note
        case .release:
            let releasesHold = s.state == .held || (s.onHold && (s.state == .recommended || s.state == .rejected))
            guard releasesHold else { return .releaseAllocation }
            return s.creditHold ? .releaseCreditHold : .releaseOrderHold
        }
    }

    /// The reason code recorded: the given one if the policy lists it; the only listed one when none is given.
    static func reasonCode(_ r: LineDecision, policy: Policy, releasingUnits: Bool) -> Result<String?, DecisionRefusal> {
        if case .policy = r.actor { return .success(r.reasonCode ?? "AUTO_RELEASE") }
        let codes = policy.reasonCodes(for: r.action.rawValue, releasingUnits: releasingUnits)
        guard !codes.isEmpty else { return .success(r.reasonCode) }
        guard let code = r.reasonCode else {
            if codes.count == 1 { return .success(codes[0]) }
            return .failure(.invalid("\(r.action.rawValue) needs --reason, one of: \(codes.joined(separator: ", "))"))
        }
        // Codes are matched whatever their case ("other" is OTHER) and recorded as the policy writes them.
        guard let listed = codes.first(where: { $0.lowercased() == code.lowercased() }) else {
            let kind = releasingUnits ? "unit release" : r.action.rawValue
            return .failure(.invalid("reason '\(code)' is not among the \(kind) reasons; use one of: \(codes.joined(separator: ", "))"))
        }
        return .success(listed)
    }

    static func staleness(seen: SeenVersion, situation s: LineSituation) -> DecisionRefusal? {
        if seen.lineVersion != s.version {
            let by = s.lastDecidedBy.map { " by \($0)" } ?? ""
            return .stale("\(s.key) was decided\(by) since you looked (version \(seen.lineVersion) → \(s.version), now \(s.state.rawValue)); look again")
        }
        if let was = seen.recommendationVersion, let now = s.recommendation?.version, was != now {
            return .stale("the recommendation for \(s.key) changed (version \(was) → \(now)) since you looked; look again")
        }
        return nil
    }

    static func atpRefusal(_ allocations: [Allocation], situation s: LineSituation, supply: DecisionSupply?) -> DecisionRefusal? {
        guard let supply, let sku = s.orderLine?.sku ?? s.recommendation?.line.sku else {
            return .invalid("no supply data to check \(s.key) against")
        }
        let atp = AvailableToPromise(snapshot: supply.snapshot, excluding: s.key)
        if let short = atp.shortfall(of: allocations, lineSKU: sku) {
            return .invalid("\(short.pool) has \(short.free) units available to promise, \(s.key) needs \(short.needed); re-plan and decide again")
        }
        return nil
    }

    static func isAutoRelease(_ r: LineDecision, _ s: LineSituation) -> Bool {
        if case .policy = r.actor, s.state == .recommended, s.recommendation?.line.status == .auto { return true }
        return false
    }

    static func notNow(_ a: DecisionAction, _ s: LineSituation) -> DecisionRefusal {
        let extra = s.needsRecheck ? " (needs re-check: \(s.recheckReason ?? "changed"))" : ""
        return .invalid("cannot \(a.rawValue) \(s.key): it is \(s.state.rawValue)\(extra)")
    }
    static func noRecommendation(_ s: LineSituation) -> DecisionRefusal {
        .invalid("\(s.key) has no recommendation in the current plan; run `allot plan` first")
    }
    static func recheck(_ s: LineSituation) -> DecisionRefusal {
        .stale("\(s.key) needs a re-check (\(s.recheckReason ?? "the mirror changed")); decide it again")
    }
}
