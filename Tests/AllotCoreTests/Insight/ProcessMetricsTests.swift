import Testing
@testable import AllotCore

/// Hand-computed histories: each expectation below can be checked with pencil and paper.
@Suite("Process metrics")
struct ProcessMetricsTests {
    static let t0 = Timestamp("2026-11-02T08:00:00Z")!
    static func at(hours: Double) -> Timestamp { Timestamp(seconds: t0.seconds + hours * 3600) }
    static let day = Day("2026-11-10")!

    static func line(_ order: String, _ no: Int = 1, cycle: Double? = 2, actor: Decider = .policy, overridden: Bool = false,
                     reason: String? = nil, requested: Int = 10, allocated: Int = 10, allocations: Int = 1, expedited: Bool = false,
                     promised: Day? = nil, dims: LineDimensions = LineDimensions(tier: "A", customer: "C1", family: "F", warehouse: "DAL")) -> DecidedLine {
        DecidedLine(key: LineKey(orderID: order, lineNo: no), sku: "S", dimensions: dims, receivedAt: t0,
                    releasedAt: cycle.map { at(hours: $0) }, decidedAt: at(hours: cycle ?? 1), actor: actor, overridden: overridden,
                    reason: reason, requested: requested, allocated: allocated, allocationCount: allocations, expedited: expedited,
                    requestedDate: day, promisedDate: promised)
    }

    @Test("cycle time percentiles interpolate between the closest ranks")
    func cycleTime() {
        let lines = [1.0, 2, 3, 4, 10].enumerated().map { Self.line("O\($0.offset)", cycle: $0.element) }
        let m = ProcessMetrics.lineMetrics(lines, shipments: [:], reservations: [:])
        #expect(m.cycleTimeP50Hours == 3)
        // p90 of [1,2,3,4,10]: position 0.9 × 4 = 3.6 → 4 + 0.6 × (10 − 4) = 7.6
        #expect(abs(m.cycleTimeP90Hours! - 7.6) < 1e-9)
    }

    @Test("manual intervention and override rates count lines; overrides tally their reason codes")
    func manualAndOverride() {
        let lines = [
            Self.line("O1"), Self.line("O2"),
            Self.line("O3", actor: .person(.planner)),
            Self.line("O4", actor: .person(.planner), overridden: true, reason: "CHEAPER_FREIGHT"),
            Self.line("O5", actor: .person(.supervisor), overridden: true, reason: "CHEAPER_FREIGHT"),
            Self.line("O6", actor: .person(.planner), overridden: true, reason: nil),
            Self.line("O7"), Self.line("O8"),
        ]
        let m = ProcessMetrics.lineMetrics(lines, shipments: [:], reservations: [:])
        #expect(m.manualInterventionRate == 4.0 / 8)
        #expect(m.overrideRate == 3.0 / 8)
        #expect(m.overrideReasons == ["CHEAPER_FREIGHT": 2, "UNSPECIFIED": 1])
    }

    @Test("fill rate counts units, full lines and full orders of released lines only")
    func fillRate() {
        let lines = [
            Self.line("O1", 1, requested: 10, allocated: 10),
            Self.line("O1", 2, requested: 10, allocated: 5),
            Self.line("O2", 1, requested: 20, allocated: 20),
            Self.line("O3", 1, cycle: nil, requested: 100, allocated: 0),  // rejected: never released
        ]
        let m = ProcessMetrics.lineMetrics(lines, shipments: [:], reservations: [:])
        #expect(m.fillRateUnits == 35.0 / 40)
        #expect(m.fillRateLines == 2.0 / 3)
        #expect(m.fillRateOrders == 1.0 / 2)
    }

    @Test("a line is split when released in several allocations or shipped in several shipments")
    func splitAndExpedite() {
        let lines = [Self.line("O1", allocations: 2), Self.line("O2", expedited: true), Self.line("O3"), Self.line("O4")]
        let ship = [LineKey(orderID: "O3", lineNo: 1): [
            ShipmentRecord(key: LineKey(orderID: "O3", lineNo: 1), warehouseID: "DAL", qty: 5, shippedAt: Self.t0),
            ShipmentRecord(key: LineKey(orderID: "O3", lineNo: 1), warehouseID: "DAL", qty: 5, shippedAt: Self.t0),
        ]]
        let m = ProcessMetrics.lineMetrics(lines, shipments: ship, reservations: [:])
        #expect(m.splitShipmentRate == 0.5)
        #expect(m.expediteRate == 0.25)
    }

    @Test("promise accuracy compares the last delivery with the promised date, else the requested date")
    func promiseAccuracy() {
        let d = Self.day
        func ship(_ o: String, delivered: Day) -> ShipmentRecord {
            ShipmentRecord(key: LineKey(orderID: o, lineNo: 1), warehouseID: "DAL", qty: 10, shippedAt: Self.t0,
                           deliveredAt: Timestamp(seconds: delivered.unixSeconds + 3600))
        }
        let lines = [Self.line("O1", promised: d + 2), Self.line("O2"), Self.line("O3"), Self.line("O4")]
        let shipments = Dictionary(grouping: [ship("O1", delivered: d + 2), ship("O2", delivered: d - 1),
                                              ship("O3", delivered: d + 3)], by: \.key)
        let m = ProcessMetrics.lineMetrics(lines, shipments: shipments, reservations: [:])
        #expect(m.promisesMeasured == 3)
        #expect(m.promiseAccuracy == 2.0 / 3)
        #expect(m.meanDaysLate == 3)
    }

    @Test("reservation accuracy: the shipped warehouses and quantities equal the reserved ones")
    func reservationAccuracy() {
        let k1 = LineKey(orderID: "O1", lineNo: 1), k2 = LineKey(orderID: "O2", lineNo: 1), k3 = LineKey(orderID: "O3", lineNo: 1)
        let lines = [Self.line("O1"), Self.line("O2"), Self.line("O3")]
        let res = Dictionary(grouping: [ReservedLine(key: k1, warehouseID: "DAL", qty: 10), ReservedLine(key: k2, warehouseID: "DAL", qty: 10),
                                        ReservedLine(key: k3, warehouseID: "DAL", qty: 10)], by: \.key)
        let ship = Dictionary(grouping: [ShipmentRecord(key: k1, warehouseID: "DAL", qty: 10, shippedAt: Self.t0),
                                         ShipmentRecord(key: k2, warehouseID: "ATL", qty: 10, shippedAt: Self.t0)], by: \.key)
        let m = ProcessMetrics.lineMetrics(lines, shipments: ship, reservations: res)
        #expect(m.reservationAccuracy == 0.5)  // O3 has not shipped: not counted
    }

    @Test("no lines gives no rates rather than zeros")
    func empty() {
        let m = ProcessMetrics.lineMetrics([], shipments: [:], reservations: [:])
        #expect(m.lines == 0 && m.fillRateUnits == nil && m.overrideRate == nil && m.cycleTimeP50Hours == nil)
    }

    @Test("exception aging by type and queue, with SLA breaches and the age histogram")
    func aging() {
        let now = Self.at(hours: 100)
        func x(_ o: String, _ kind: ExceptionKind, _ q: Role, age: Double) -> OpenException {
            OpenException(key: LineKey(orderID: o, lineNo: 1), kind: kind, queue: q, openedAt: Self.at(hours: 100 - age))
        }
        let open = [x("O1", .shortage, .planner, age: 2), x("O2", .shortage, .planner, age: 30), x("O3", .lowMargin, .finance, age: 10),
                    x("O4", .highValue, .supervisor, age: 5)]
        let a = ProcessMetrics.aging(open, now: now, slaHours: [.planner: 24, .finance: 24, .supervisor: 4])
        #expect(a.total.count == 4)
        #expect(a.total.oldestHours == 30)
        #expect(a.total.p50Hours == 7.5)
        #expect(a.total.pastSLA == 2)  // O2 (30 h > 24) and O4 (5 h > 4)
        let shortage = a.byType.first { $0.name == "SHORTAGE" }!
        #expect(shortage.count == 2 && shortage.p50Hours == 16 && shortage.pastSLA == 1)
        #expect(a.byQueue.map(\.name) == ["finance", "planner", "supervisor"])
        #expect(a.histogram == [1, 1, 1, 1, 0, 0, 0])
    }

    @Test("the report filters by period, breaks down by dimension and keeps weekly points")
    func report() {
        let asOf = Timestamp("2026-11-20T12:00:00Z")!
        var old = Self.line("OLD", actor: .person(.planner))
        old.decidedAt = Timestamp("2026-10-01T00:00:00Z")!
        let a = Self.line("A1", actor: .person(.planner), dims: LineDimensions(tier: "A", customer: "C1", family: "F", warehouse: "DAL"))
        let b = Self.line("B1", dims: LineDimensions(tier: "B", customer: "C2", family: "F", warehouse: "ATL"))
        let input = MetricsInput(decided: [old, a, b], integration: [IntegrationCount(source: "erp", received: 50, rejected: 2)])
        let r = ProcessMetrics.report(input, since: Day("2026-11-01"), asOf: asOf, dimension: .tier, slaHours: [:], weeks: 4)
        #expect(r.overall.lines == 2)
        #expect(r.overall.manualInterventionRate == 0.5)
        #expect(r.breakdown.map(\.value) == ["A", "B"])
        #expect(r.breakdown[0].metrics.manualInterventionRate == 1)
        #expect(r.integrationFailureRate == 0.04)
        #expect(r.weekly.count == 4)
        #expect(r.weekly.reduce(0) { $0 + $1.metrics.lines } == 2)  // both decided 2026-11-02, OLD is outside the weeks
    }

    @Test("SLA alerts list exceptions past their queue's hours, most overdue first")
    func slaAlerts() {
        let now = Self.at(hours: 100)
        let open = [OpenException(key: LineKey(orderID: "O1", lineNo: 1), kind: .shortage, queue: .planner, openedAt: Self.at(hours: 70)),
                    OpenException(key: LineKey(orderID: "O2", lineNo: 1), kind: .highValue, queue: .supervisor, openedAt: Self.at(hours: 90)),
                    OpenException(key: LineKey(orderID: "O3", lineNo: 1), kind: .shortage, queue: .planner, openedAt: Self.at(hours: 90)),
                    OpenException(key: LineKey(orderID: "O4", lineNo: 1), kind: .creditHold, queue: .admin, openedAt: Self.at(hours: 0))]
        let alerts = SLAAlerts.breaches(open, now: now, slaHours: [.planner: 24, .supervisor: 4])
        #expect(alerts.map(\.key.orderID) == ["O1", "O2"])  // O1 6 h over, O2 6 h over: tie broken by line; admin has no SLA
        #expect(alerts[0].overdueHours == 6)
    }
}
