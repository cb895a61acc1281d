/// The process metrics leaders measure allocation by, computed from plain records.
///
/// Every rate is a plain fraction of counted lines (nil when nothing was counted, never a made-up zero), so a
/// planner can recompute any figure from the lines behind it.
public struct LineMetrics: Hashable, Sendable, Codable {
    /// Decided lines counted.
    public var lines = 0
    public var cycleTimeP50Hours: Double?
    public var cycleTimeP90Hours: Double?
    /// Lines decided by a person / all decided lines.
    public var manualInterventionRate: Double?
    /// Lines whose recommendation a person overrode / all decided lines.
    public var overrideRate: Double?
    /// How often each reason code was given for an override.
    public var overrideReasons: [String: Int] = [:]
    /// Allocated units / requested units of released lines.
    public var fillRateUnits: Double?
    /// Released lines allocated in full / released lines.
    public var fillRateLines: Double?
    /// Orders whose every released line was allocated in full / orders with released lines.
    public var fillRateOrders: Double?
    /// Released lines split over more than one allocation or shipment / released lines.
    public var splitShipmentRate: Double?
    /// Released lines using an expedite lane / released lines.
    public var expediteRate: Double?
    /// Delivered lines that arrived by their promised date / delivered lines.
    public var promiseAccuracy: Double?
    /// Delivered lines whose promise was measured.
    public var promisesMeasured = 0
    /// Mean days late over the delivered lines that were late.
    public var meanDaysLate: Double?
    /// Reserved lines that shipped from the reserved warehouse in the reserved quantity / reserved lines that shipped.
    public var reservationAccuracy: Double?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case lines, cycleTimeP50Hours = "cycle_time_p50_hours", cycleTimeP90Hours = "cycle_time_p90_hours",
             manualInterventionRate = "manual_intervention_rate", overrideRate = "override_rate",
             overrideReasons = "override_reasons", fillRateUnits = "fill_rate_units", fillRateLines = "fill_rate_lines",
             fillRateOrders = "fill_rate_orders", splitShipmentRate = "split_shipment_rate", expediteRate = "expedite_rate",
             promiseAccuracy = "promise_accuracy", promisesMeasured = "promises_measured", meanDaysLate = "mean_days_late",
             reservationAccuracy = "reservation_accuracy"
    }

    /// Every key is written, a rate that could not be computed as `null`, so scripts can rely on the keys.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(lines, forKey: .lines)
        try c.encode(cycleTimeP50Hours, forKey: .cycleTimeP50Hours)
        try c.encode(cycleTimeP90Hours, forKey: .cycleTimeP90Hours)
        try c.encode(manualInterventionRate, forKey: .manualInterventionRate)
        try c.encode(overrideRate, forKey: .overrideRate)
        try c.encode(overrideReasons, forKey: .overrideReasons)
        try c.encode(fillRateUnits, forKey: .fillRateUnits)
        try c.encode(fillRateLines, forKey: .fillRateLines)
        try c.encode(fillRateOrders, forKey: .fillRateOrders)
        try c.encode(splitShipmentRate, forKey: .splitShipmentRate)
        try c.encode(expediteRate, forKey: .expediteRate)
        try c.encode(promiseAccuracy, forKey: .promiseAccuracy)
        try c.encode(promisesMeasured, forKey: .promisesMeasured)
        try c.encode(meanDaysLate, forKey: .meanDaysLate)
        try c.encode(reservationAccuracy, forKey: .reservationAccuracy)
    }
}

/// Open exceptions of one group (a type or a queue): how many and how long they have waited.
public struct AgingGroup: Hashable, Sendable, Codable {
    public var name: String
    public var count: Int
    public var p50Hours: Double?
    public var p90Hours: Double?
    public var oldestHours: Double?
    /// Exceptions waiting longer than their queue's SLA.
    public var pastSLA: Int

    enum CodingKeys: String, CodingKey {
        case name, count, p50Hours = "p50_hours", p90Hours = "p90_hours", oldestHours = "oldest_hours", pastSLA = "past_sla"
    }
}

/// Exception aging: all open exceptions, by type and by queue, plus an age histogram for the dashboard.
public struct ExceptionAging: Hashable, Sendable, Codable {
    public var total: AgingGroup
    public var byType: [AgingGroup]
    public var byQueue: [AgingGroup]
    /// Counts of open exceptions per age bucket (`AgeBucket.all` order).
    public var histogram: [Int]

    enum CodingKeys: String, CodingKey { case total, byType = "by_type", byQueue = "by_queue", histogram }

    /// The histogram's bucket labels and upper bounds in hours (the last is open-ended).
    public static let buckets: [(label: String, upTo: Double)] = [
        ("<4h", 4), ("4-8h", 8), ("8-24h", 24), ("1-2d", 48), ("2-4d", 96), ("4-7d", 168), (">7d", .infinity),
    ]
}

/// One row of a breakdown: the line metrics of one value of a dimension.
public struct BreakdownRow: Hashable, Sendable, Codable {
    public var value: String
    public var metrics: LineMetrics
    public var openExceptions: Int
    enum CodingKeys: String, CodingKey { case value, metrics, openExceptions = "open_exceptions" }
}

/// The line metrics of one week, for sparklines.
public struct WeeklyPoint: Hashable, Sendable, Codable {
    public var weekStart: Day
    public var metrics: LineMetrics
    enum CodingKeys: String, CodingKey { case weekStart = "week_start", metrics }
}

/// Everything `allot metrics` reports for one period.
///
/// Its JSON puts the overall line metrics at the top level (`cycle_time_p50_hours`, `override_rate`, …) beside
/// `exception_aging`, `integration_failure_rate`, the breakdown and the weekly points.
public struct MetricsReport: Hashable, Sendable, Encodable {
    public var since: Day?
    public var asOf: Timestamp
    public var overall: LineMetrics
    public var exceptionAging: ExceptionAging
    /// Rejected events / received events over all sources (nil when none were received).
    public var integrationFailureRate: Double?
    public var eventsReceived: Int
    public var eventsRejected: Int
    public var dimension: MetricDimension?
    public var breakdown: [BreakdownRow]
    public var weekly: [WeeklyPoint]
    /// Open exceptions past their queue's SLA.
    public var slaBreaches: Int

    enum CodingKeys: String, CodingKey {
        case since, asOf = "as_of", exceptionAging = "exception_aging", integrationFailureRate = "integration_failure_rate",
             eventsReceived = "events_received", eventsRejected = "events_rejected", dimension = "by", breakdown, weekly,
             slaBreaches = "sla_breaches"
    }

    public func encode(to encoder: Encoder) throws {
        try overall.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(since, forKey: .since)
        try c.encode(asOf, forKey: .asOf)
        try c.encode(exceptionAging, forKey: .exceptionAging)
        try c.encode(integrationFailureRate, forKey: .integrationFailureRate)
        try c.encode(eventsReceived, forKey: .eventsReceived)
        try c.encode(eventsRejected, forKey: .eventsRejected)
        try c.encode(slaBreaches, forKey: .slaBreaches)
        try c.encode(dimension, forKey: .dimension)
        try c.encode(breakdown, forKey: .breakdown)
        try c.encode(weekly, forKey: .weekly)
    }
}

/// Computes process metrics; pure, so every figure is testable on hand-made histories.
public enum ProcessMetrics {
    /// The line metrics of `lines`, with `shipments` and `reservations` joined by line.
    public static func lineMetrics(_ lines: [DecidedLine], shipments: [LineKey: [ShipmentRecord]],
                                   reservations: [LineKey: [ReservedLine]]) -> LineMetrics {
        var m = LineMetrics()
        m.lines = lines.count
        guard !lines.isEmpty else { return m }
        func rate(_ num: Int, _ den: Int) -> Double? { den == 0 ? nil : Double(num) / Double(den) }

        m.cycleTimeP50Hours = Stats.percentile(lines.compactMap(\.cycleHours), 0.5)
        m.cycleTimeP90Hours = Stats.percentile(lines.compactMap(\.cycleHours), 0.9)
        m.manualInterventionRate = rate(lines.filter { $0.actor.isPerson }.count, lines.count)
        let overrides = lines.filter(\.overridden)
        m.overrideRate = rate(overrides.count, lines.count)
        for o in overrides { m.overrideReasons[o.reason ?? "UNSPECIFIED", default: 0] += 1 }

        let released = lines.filter { $0.releasedAt != nil }
        let requested = released.reduce(0) { $0 + $1.requested }
        m.fillRateUnits = rate(released.reduce(0) { $0 + min($1.allocated, $1.requested) }, requested)
        m.fillRateLines = rate(released.filter { $0.allocated >= $0.requested }.count, released.count)
        var orderFull: [OrderID: Bool] = [:]
        for l in released { orderFull[l.key.orderID] = (orderFull[l.key.orderID] ?? true) && l.allocated >= l.requested }
        m.fillRateOrders = rate(orderFull.values.filter { $0 }.count, orderFull.count)
        m.splitShipmentRate = rate(released.filter { l in
            l.allocationCount > 1 || (shipments[l.key]?.count ?? 0) > 1
        }.count, released.count)
        m.expediteRate = rate(released.filter(\.expedited).count, released.count)

        var onTime = 0, measured = 0, lateDays: [Double] = []
        for l in released {
            let delivered = (shipments[l.key] ?? []).compactMap(\.deliveredAt)
            guard let last = delivered.max() else { continue }
            measured += 1
            let late = last.day - (l.promisedDate ?? l.requestedDate)
            if late <= 0 { onTime += 1 } else { lateDays.append(Double(late)) }
        }
        m.promisesMeasured = measured
        m.promiseAccuracy = rate(onTime, measured)
        m.meanDaysLate = Stats.mean(lateDays)

        var reservedShipped = 0, reservedMatched = 0
        for l in lines {
            guard let res = reservations[l.key], !res.isEmpty, let shipped = shipments[l.key], !shipped.isEmpty else { continue }
            reservedShipped += 1
            var want: [WarehouseID: Int] = [:], got: [WarehouseID: Int] = [:]
            for r in res { want[r.warehouseID, default: 0] += r.qty }
            for s in shipped { got[s.warehouseID, default: 0] += s.qty }
            if want == got { reservedMatched += 1 }
        }
        m.reservationAccuracy = rate(reservedMatched, reservedShipped)
        return m
    }

    /// Aging of open exceptions at `now`, with SLA breaches counted from the policy's per-queue hours.
    public static func aging(_ open: [OpenException], now: Timestamp, slaHours: [Role: Double]) -> ExceptionAging {
        func group(_ name: String, _ xs: [OpenException]) -> AgingGroup {
            let ages = xs.map { max(0, (now.seconds - $0.openedAt.seconds) / 3600) }
            let past = zip(xs, ages).filter { x, age in slaHours[x.queue].map { age > $0 } ?? false }.count
            return AgingGroup(name: name, count: xs.count, p50Hours: Stats.percentile(ages, 0.5),
                              p90Hours: Stats.percentile(ages, 0.9), oldestHours: ages.max(), pastSLA: past)
        }
        let byType = Dictionary(grouping: open, by: \.kind).sorted { $0.key < $1.key }.map { group($0.key.rawValue, $0.value) }
        let byQueue = Dictionary(grouping: open, by: \.queue).sorted { $0.key.rawValue < $1.key.rawValue }.map { group($0.key.rawValue, $0.value) }
        var histogram = Array(repeating: 0, count: ExceptionAging.buckets.count)
        for x in open {
            let age = max(0, (now.seconds - x.openedAt.seconds) / 3600)
            let i = ExceptionAging.buckets.firstIndex { age < $0.upTo } ?? ExceptionAging.buckets.count - 1
            histogram[i] += 1
        }
        return ExceptionAging(total: group("all", open), byType: byType, byQueue: byQueue, histogram: histogram)
    }

    /// The full report: lines decided in `[since, asOf]`, optionally broken down by `dimension`, and `weeks` weekly
    /// points ending with the week of `asOf` for sparklines.
    public static func report(_ input: MetricsInput, since: Day?, asOf: Timestamp, dimension: MetricDimension? = nil,
                              slaHours: [Role: Double], weeks: Int = 8) -> MetricsReport {
        let shipments = Dictionary(grouping: input.shipments, by: \.key)
        let reservations = Dictionary(grouping: input.reservations, by: \.key)
        let start = since.map { $0.unixSeconds } ?? -Double.infinity
        let inPeriod = input.decided.filter { $0.decidedAt.seconds >= start && $0.decidedAt.seconds <= asOf.seconds }

        var breakdown: [BreakdownRow] = []
        if let d = dimension {
            let groups = Dictionary(grouping: inPeriod) { $0.dimensions.value(d) }
            let openBy = Dictionary(grouping: input.openExceptions) { $0.dimensions.value(d) }
            for value in Set(groups.keys).union(openBy.keys).sorted() {
                breakdown.append(BreakdownRow(value: value.isEmpty ? "(none)" : value,
                                              metrics: lineMetrics(groups[value] ?? [], shipments: shipments, reservations: reservations),
                                              openExceptions: openBy[value]?.count ?? 0))
            }
        }

        var weekly: [WeeklyPoint] = []
        if weeks > 0 {
            let lastStart = asOf.day - 6
            for w in stride(from: weeks - 1, through: 0, by: -1) {
                let ws = lastStart - 7 * w
                let lines = input.decided.filter { let d = $0.decidedAt.day; return d >= ws && d < ws + 7 }
                weekly.append(WeeklyPoint(weekStart: ws, metrics: lineMetrics(lines, shipments: shipments, reservations: reservations)))
            }
        }

        let aging = aging(input.openExceptions, now: asOf, slaHours: slaHours)
        let received = input.integration.reduce(0) { $0 + $1.received }
        let rejected = input.integration.reduce(0) { $0 + $1.rejected }
        return MetricsReport(
            since: since, asOf: asOf,
            overall: lineMetrics(inPeriod, shipments: shipments, reservations: reservations),
            exceptionAging: aging,
            integrationFailureRate: received == 0 ? nil : Double(rejected) / Double(received),
            eventsReceived: received, eventsRejected: rejected,
            dimension: dimension, breakdown: breakdown, weekly: weekly, slaBreaches: aging.total.pastSLA)
    }
}
