import TOMLKit

/// The explicit rules the engine and the workflow follow, read from `policy.toml`.
///
/// Every key has a default (the contract's section 4), so an empty file is a valid policy.
/// Factors that change what the engine does beyond the contract's default semantics are off by default.
public struct Policy: Sendable, Hashable {
    public var version: String = "2026-11-default"
    public var priority = Priority()
    public var cost = Cost()
    public var exceptions = Exceptions()
    /// Which role's queue each exception goes to.
    public var routing: [ExceptionKind: Role] = Policy.defaultRouting
    public var autoRelease = AutoRelease()
    public var override = Override()
    /// Reason codes a person picks from, per action (`override`, `escalate`, `reject`, `hold`, …).
    public var reasons: [String: [String]] = Policy.defaultReasons
    /// How long an exception may wait in each role's queue, in hours.
    public var slaHours: [Role: Double] = [.planner: 24, .customerService: 8, .supervisor: 4, .finance: 24]
    public var insight = Insight()

    public init() {}

    public enum WithinClass: String, Sendable, Hashable, CaseIterable {
        case fcfs
        case fairShare = "fair_share"
        case margin
    }

    public struct Priority: Sendable, Hashable {
        /// Earlier tiers are served first; a tier not listed comes after all listed ones.
        public var tierOrder: [String] = ["strategic", "A", "B", "C"]
        /// An item with `critical = true` lifts its line one class.
        public var criticalItemsFirst = true
        public var withinClass: WithinClass = .fcfs
        /// Customers below their `service_target` fill rate move ahead within their class.
        public var serviceTargets = false
        public init() {}
    }

    public struct Cost: Sendable, Hashable {
        public var latenessPerUnitDay = 0.50
        public var splitPenalty = 25.0
        /// Supply arriving later than this many days after the requested date is not used.
        public var maxLateDays = 14
        /// Cost credit per unit and day of age of the stock used (ship the oldest stock first); 0 = off.
        public var agingBonusPerUnitDay = 0.0
        /// Honour warehouses' `daily_line_capacity`.
        public var respectCapacity = false
        /// Kicks per product group in a further search against the split penalty, beyond the engine's standard
        /// improvement (fewer split shipments for more planning time; see `GroupSolver.repackPairs`); 0 = off.
        public var splitSearchEffort = 1
        public init() {}
    }

    public struct Exceptions: Sendable, Hashable {
        /// LOW_MARGIN when (revenue − unit cost − freight) / revenue falls under this fraction.
        public var minMarginPct = 0.05
        /// HIGH_VALUE when a line's allocated value exceeds this.
        public var highValueLimit = 50_000.0
        /// STALE_DATA when the inventory a line depends on was counted longer ago than this.
        public var staleInventoryHours = 72.0
        public init() {}
    }

    public struct AutoRelease: Sendable, Hashable {
        public var enabled = true
        /// Exceptions that do not stop a line from being released automatically.
        public var allow: Set<ExceptionKind> = []
        public init() {}
    }

    public struct Override: Sendable, Hashable {
        /// An override that raises the line's cost by more than this fraction goes to a supervisor.
        public var maxCostIncreasePct = 0.10
        /// An override that makes the line later by more than this many days goes to a supervisor.
        public var maxExtraLateDays = 2
        public init() {}
    }

    public struct Insight: Sendable, Hashable {
        /// Days of cover under which a sku × warehouse is flagged at risk of stockout.
        public var stockoutCoverDays = 7.0
        /// Smoothing factor of the demand-rate estimate.
        public var demandSmoothing = 0.3
        /// A substitute with at least this estimated acceptance may be released automatically.
        public var substitutionAutoAcceptance = 0.8
        /// Probability of missing a receipt-dependent promise above which a line is flagged at risk.
        public var promiseRiskThreshold = 0.5
        /// How far from the history of similar lines (robust z-score) a decision must be to be flagged unusual.
        public var unusualZScore = 3.5
        public init() {}
    }

    public static let defaultRouting: [ExceptionKind: Role] = [
        .shortage: .planner, .backorder: .planner, .split: .planner, .late: .planner,
        .lowMargin: .finance, .highValue: .supervisor, .substitution: .customerService,
        .transfer: .planner, .expedite: .planner, .quotaLimit: .planner,
        .commitmentConflict: .supervisor, .staleData: .planner,
        .orderHold: .customerService, .creditHold: .finance, .shipComplete: .planner,
    ]

    public static let defaultReasons: [String: [String]] = [
        "accept": ["AS_RECOMMENDED"],
        "override": ["CUSTOMER_PRIORITY", "CHEAPER_FREIGHT", "CONSOLIDATE_SHIPMENT", "WAREHOUSE_ISSUE", "DATA_CORRECTION", "OTHER"],
        "escalate": ["NEEDS_APPROVAL", "POLICY_CONFLICT", "CUSTOMER_ESCALATION", "OTHER"],
        "approve": ["APPROVED"],
        "reject": ["NOT_JUSTIFIED", "COST_TOO_HIGH", "TAKES_PRIORITY_STOCK", "OTHER"],
        "hold": ["CREDIT_CHECK", "CUSTOMER_CONFIRMATION", "PRICING", "OTHER"],
        "release": ["CREDIT_CLEARED", "CUSTOMER_CONFIRMED", "OTHER"],
        "release_units": ["AS_DECIDED", "CUSTOMER_CONFIRMED", "RUSH", "OTHER"],
        "cancel": ["CUSTOMER_CANCELLED", "DUPLICATE", "OTHER"],
    ]

    /// The priority class of a tier: its index in `tier_order`, or one past the end when unlisted.
    public func tierClass(_ tier: String) -> Int {
        tierOrder.firstIndex(of: tier) ?? tierOrder.count
    }
    private var tierOrder: [String] { priority.tierOrder }

    /// Reason codes offered for an action; an empty list means any code is accepted. Releasing a line's units to the
    /// warehouse has its own list (`reasons.release_units`): `reasons.release` gives the reasons for lifting a hold.
    public func reasonCodes(for action: String, releasingUnits: Bool = false) -> [String] {
        if action == DecisionAction.release.rawValue && releasingUnits, let units = reasons[Self.releaseUnitsKey] { return units }
        return reasons[action] ?? []
    }

    /// The `[reasons]` key of the codes for releasing a line's units.
    public static let releaseUnitsKey = "release_units"
}

/// A policy file that cannot be used, with the key and what is wrong.
public struct PolicyError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var key: String
    public var message: String
    public var line: Int?
    public init(file: String, key: String, message: String, line: Int? = nil) {
        self.file = file; self.key = key; self.message = message; self.line = line
    }
    public var description: String {
        let at = line.map { "\(file):\($0)" } ?? file
        return key.isEmpty ? "\(at): \(message)" : "\(at): key '\(key)': \(message)"
    }
}
