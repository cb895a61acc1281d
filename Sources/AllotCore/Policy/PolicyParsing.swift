import TOMLKit

extension Policy {
    /// Reads a policy from TOML text. `file` names the source in errors.
    public init(toml text: String, file: String = "policy.toml") throws(PolicyError) {
        let root: TOMLTable
        do { root = try TOMLTable(string: text) } catch let e as TOMLParseError {
            throw PolicyError(file: file, key: "", message: "not valid TOML: \(e.description)", line: e.source.begin.line)
        } catch {
            throw PolicyError(file: file, key: "", message: "not valid TOML: \(error)")
        }
        let r = PolicyReader(file: file)
        self.init()
        if let v = try r.string(root, "version") { version = v }

        if let t = try r.table(root, "priority") {
            if let v = try r.strings(t, "priority.tier_order") {
                guard !v.isEmpty else { throw PolicyError(file: file, key: "priority.tier_order", message: "must list at least one tier") }
                priority.tierOrder = v
            }
            if let v = try r.bool(t, "priority.critical_items_first") { priority.criticalItemsFirst = v }
            if let v = try r.string(t, "priority.within_class") {
                guard let w = WithinClass(rawValue: v) else {
                    throw PolicyError(file: file, key: "priority.within_class",
                                      message: "'\(v)' is not one of \(WithinClass.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                priority.withinClass = w
            }
            if let v = try r.bool(t, "priority.service_targets") { priority.serviceTargets = v }
        }
        if let t = try r.table(root, "cost") {
            if let v = try r.number(t, "cost.lateness_per_unit_day", min: 0) { cost.latenessPerUnitDay = v }
            if let v = try r.number(t, "cost.split_penalty", min: 0) { cost.splitPenalty = v }
            if let v = try r.int(t, "cost.max_late_days", min: 0) { cost.maxLateDays = v }
            if let v = try r.number(t, "cost.aging_bonus_per_unit_day", min: 0) { cost.agingBonusPerUnitDay = v }
            if let v = try r.bool(t, "cost.respect_capacity") { cost.respectCapacity = v }
            if let v = try r.int(t, "cost.split_search_effort", min: 0) { cost.splitSearchEffort = v }
        }
        if let t = try r.table(root, "exceptions") {
            if let v = try r.number(t, "exceptions.min_margin_pct") { exceptions.minMarginPct = v }
            if let v = try r.number(t, "exceptions.high_value_limit", min: 0) { exceptions.highValueLimit = v }
            if let v = try r.number(t, "exceptions.stale_inventory_hours", min: 0) { exceptions.staleInventoryHours = v }
        }
        if let t = try r.table(root, "routing") {
            for key in t.keys.sorted() {
                guard let kind = ExceptionKind(rawValue: key) else {
                    throw PolicyError(file: file, key: "routing.\(key)", message: "not an exception type (\(ExceptionKind.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                guard let s = try r.string(t, "routing.\(key)"), let role = Role(rawValue: s) else {
                    throw PolicyError(file: file, key: "routing.\(key)", message: "must name a role (\(Role.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                routing[kind] = role
            }
        }
        if let t = try r.table(root, "auto_release") {
            if let v = try r.bool(t, "auto_release.enabled") { autoRelease.enabled = v }
            if let v = try r.strings(t, "auto_release.allow") {
                var set: Set<ExceptionKind> = []
                for s in v {
                    guard let k = ExceptionKind(rawValue: s) else {
                        throw PolicyError(file: file, key: "auto_release.allow", message: "'\(s)' is not an exception type")
                    }
                    set.insert(k)
                }
                autoRelease.allow = set
            }
        }
        if let t = try r.table(root, "override") {
            if let v = try r.number(t, "override.max_cost_increase_pct", min: 0) { override.maxCostIncreasePct = v }
            if let v = try r.int(t, "override.max_extra_late_days", min: 0) { override.maxExtraLateDays = v }
        }
        if let t = try r.table(root, "reasons") {
            for key in t.keys.sorted() {
                if let v = try r.strings(t, "reasons.\(key)") { reasons[key] = v }
            }
        }
        if let t = try r.table(root, "sla") {
            for key in t.keys.sorted() {
                guard let role = Role(rawValue: key) else {
                    throw PolicyError(file: file, key: "sla.\(key)", message: "not a role (\(Role.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                if let v = try r.number(t, "sla.\(key)", min: 0) { slaHours[role] = v }
            }
        }
        if let t = try r.table(root, "insight") {
            if let v = try r.number(t, "insight.stockout_cover_days", min: 0) { insight.stockoutCoverDays = v }
            if let v = try r.number(t, "insight.demand_smoothing", min: 0) {
                guard v <= 1 else { throw PolicyError(file: file, key: "insight.demand_smoothing", message: "must be between 0 and 1, got \(v)") }
                insight.demandSmoothing = v
            }
            if let v = try r.number(t, "insight.substitution_auto_acceptance", min: 0) { insight.substitutionAutoAcceptance = v }
            if let v = try r.number(t, "insight.promise_risk_threshold", min: 0) { insight.promiseRiskThreshold = v }
            if let v = try r.number(t, "insight.unusual_z_score", min: 0) { insight.unusualZScore = v }
        }
    }
}

/// Typed access to TOML values that names the key in every error.
private struct PolicyReader {
    let file: String
    func fail(_ key: String, _ message: String) -> PolicyError { PolicyError(file: file, key: key, message: message) }
    func leaf(_ key: String) -> String { String(key.split(separator: ".").last ?? Substring(key)) }

    func table(_ t: TOMLTable, _ key: String) throws(PolicyError) -> TOMLTable? {
        guard let v = t[key] else { return nil }
        guard let tt = v.table else { throw fail(key, "must be a table [\(key)]") }
        return tt
    }
    func string(_ t: TOMLTable, _ key: String) throws(PolicyError) -> String? {
        guard let v = t[leaf(key)] else { return nil }
        guard let s = v.string else { throw fail(key, "must be a string") }
        return s
    }
    func bool(_ t: TOMLTable, _ key: String) throws(PolicyError) -> Bool? {
        guard let v = t[leaf(key)] else { return nil }
        guard let b = v.bool else { throw fail(key, "must be true or false") }
        return b
    }
    func number(_ t: TOMLTable, _ key: String, min: Double? = nil) throws(PolicyError) -> Double? {
        guard let v = t[leaf(key)] else { return nil }
        guard let d = v.double ?? v.int.map(Double.init) else { throw fail(key, "must be a number") }
        if let min, d < min { throw fail(key, "must be at least \(min), got \(d)") }
        return d
    }
    func int(_ t: TOMLTable, _ key: String, min: Int? = nil) throws(PolicyError) -> Int? {
        guard let v = t[leaf(key)] else { return nil }
        guard let i = v.int else { throw fail(key, "must be a whole number") }
        if let min, i < min { throw fail(key, "must be at least \(min), got \(i)") }
        return i
    }
    func strings(_ t: TOMLTable, _ key: String) throws(PolicyError) -> [String]? {
        guard let v = t[leaf(key)] else { return nil }
        guard let a = v.array else { throw fail(key, "must be a list of strings") }
        var out: [String] = []
        for e in a {
            guard let s = e.string else { throw fail(key, "must be a list of strings") }
            out.append(s)
        }
        return out
    }
}
