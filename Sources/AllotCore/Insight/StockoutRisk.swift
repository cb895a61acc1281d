/// Stockout risk: a demand rate per sku × warehouse from order history (the demand model chosen by held-out error,
/// `DemandModels.swift`), run forward against available-to-promise and inbound receipts to get days of cover and the
/// run-out date.

/// Units of a sku demanded at a warehouse on one day (ordered lines, attributed to the warehouse serving them).
public struct DemandObservation: Hashable, Sendable {
    public var sku: SKU
    public var warehouseID: WarehouseID
    public var day: Day
    public var qty: Int
    public init(sku: SKU, warehouseID: WarehouseID, day: Day, qty: Int) {
        self.sku = sku; self.warehouseID = warehouseID; self.day = day; self.qty = qty
    }
}

/// What a sku × warehouse can still promise and what is on its way.
public struct StockPosition: Hashable, Sendable {
    public var sku: SKU
    public var warehouseID: WarehouseID
    /// On hand − reserved − safety stock − units already released by Allot (never below 0).
    public var atp: Int
    /// Open receipts: (eta, qty).
    public var inbound: [(eta: Day, qty: Int)]
    /// Open order lines not yet released that are expected to ship from here (committed demand).
    public var openDemand: Int

    public init(sku: SKU, warehouseID: WarehouseID, atp: Int, inbound: [(eta: Day, qty: Int)] = [], openDemand: Int = 0) {
        self.sku = sku; self.warehouseID = warehouseID; self.atp = atp; self.inbound = inbound; self.openDemand = openDemand
    }
    public static func == (a: StockPosition, b: StockPosition) -> Bool {
        a.sku == b.sku && a.warehouseID == b.warehouseID && a.atp == b.atp && a.openDemand == b.openDemand
            && a.inbound.map(\.eta) == b.inbound.map(\.eta) && a.inbound.map(\.qty) == b.inbound.map(\.qty)
    }
    public func hash(into h: inout Hasher) { h.combine(sku); h.combine(warehouseID); h.combine(atp) }
}

/// A daily demand rate with its forecast error and the model that gave it.
public struct DemandForecast: Hashable, Sendable, Codable {
    /// Units a day.
    public var rate: Double
    /// Root mean square of the one-step-ahead errors (units a day); nil with too little history.
    public var errorSD: Double?
    /// Days of history the rate rests on.
    public var historyDays: Int
    /// Days with any demand.
    public var activeDays: Int
    /// The smoothing factor used (exponential smoothing only).
    public var alpha: Double = 0
    /// The model that gave the rate.
    public var method: DemandMethod = .smoothing
    /// The slope kept by a trend model (units a day, per day).
    public var trendPerDay: Double?

    enum CodingKeys: String, CodingKey {
        case rate, errorSD = "error_sd", historyDays = "history_days", activeDays = "active_days", alpha, method, trendPerDay = "trend_per_day"
    }

    /// Simple exponential smoothing of a daily series (zeros included), level seeded with the mean of the first week.
    public static func smooth(_ daily: [Double], alpha: Double) -> DemandForecast {
        guard !daily.isEmpty else { return DemandForecast(rate: 0, errorSD: nil, historyDays: 0, activeDays: 0, alpha: alpha) }
        let seed = min(7, daily.count)
        var level = daily[0..<seed].reduce(0, +) / Double(seed)
        var sq = 0.0, n = 0
        for (i, x) in daily.enumerated() {
            if i >= seed { sq += (x - level) * (x - level); n += 1 }
            level = alpha * x + (1 - alpha) * level
        }
        return DemandForecast(rate: level, errorSD: n >= 2 ? (sq / Double(n)).squareRoot() : nil,
                              historyDays: daily.count, activeDays: daily.filter { $0 > 0 }.count, alpha: alpha)
    }

    /// The smoothing factors tried when a series is long enough to choose its own.
    public static let alphaGrid = [0.05, 0.1, 0.2, 0.3, 0.5]

    /// Simple exponential smoothing with the factor that best predicted this series one day ahead (least squared
    /// error over its own history); with under four weeks of history, `fallbackAlpha` (the policy's).
    public static func fitted(_ daily: [Double], fallbackAlpha: Double) -> DemandForecast {
        guard daily.count >= 28 else { return smooth(daily, alpha: fallbackAlpha) }
        var best = smooth(daily, alpha: fallbackAlpha)
        for a in alphaGrid {
            let f = smooth(daily, alpha: a)
            if let e = f.errorSD, e < (best.errorSD ?? .infinity) - 1e-12 { best = f }
        }
        return best
    }

    /// The daily series of `observations` over `[from, to)` with zeros on days without demand.
    public static func dailySeries(_ observations: [DemandObservation], from: Day, to: Day) -> [Double] {
        guard to > from else { return [] }
        var series = Array(repeating: 0.0, count: to - from)
        for o in observations where o.day >= from && o.day < to { series[o.day - from] += Double(o.qty) }
        return series
    }
}

/// The stockout outlook of one sku × warehouse.
public struct StockoutRisk: Hashable, Sendable, Codable {
    public var sku: SKU
    public var warehouseID: WarehouseID
    public var atp: Int
    public var inboundQty: Int
    public var openDemand: Int
    public var forecast: DemandForecast
    /// Days until projected stock (ATP − open demand + receipts by their eta − forecast demand) first goes
    /// below zero; nil when it lasts the whole horizon.
    public var daysOfCover: Double?
    public var runOutDate: Day?
    /// Probability that demand over the next `policy.insight.stockoutCoverDays` days exceeds the supply arriving
    /// in that window (normal approximation of the forecast error); nil when the error is unknown.
    public var stockoutProbability: Double?
    /// Flagged: covers fewer days than the policy asks for, with enough history to say so.
    public var atRisk: Bool
    public var basis: SignalBasis

    enum CodingKeys: String, CodingKey {
        case sku, warehouseID = "warehouse_id", atp, inboundQty = "inbound_qty", openDemand = "open_demand", forecast,
             daysOfCover = "days_of_cover", runOutDate = "run_out_date", stockoutProbability = "stockout_probability",
             atRisk = "at_risk", basis
    }
}

public enum StockoutModel {
    /// Looks this far ahead when projecting stock.
    public static let horizonDays = 90

    /// Forecasts every position's demand from `history` (the days before `asOf`) and projects its cover.
    /// `historyStart` is when the mirror's order history begins (earlier days are unknown, not zero). The demand
    /// model is the one that best predicted the last `stockoutCoverDays` of these series from the days before.
    public static func assess(positions: [StockPosition], history: [DemandObservation], historyStart: Day, asOf: Day,
                              policy: Policy.Insight) -> [StockoutRisk] {
        let bySeries = Dictionary(grouping: history) { "\($0.sku)\u{1F}\($0.warehouseID)" }
        let series = positions.map { p in
            DemandForecast.dailySeries(bySeries["\(p.sku)\u{1F}\(p.warehouseID)"] ?? [], from: historyStart, to: asOf)
        }
        let horizon = max(1, Int(policy.stockoutCoverDays.rounded(.up)))
        let method = DemandForecast.chooseMethod(series.filter { $0.contains { $0 > 0 } }, horizon: horizon, fallbackAlpha: policy.demandSmoothing)
        return zip(positions, series).map { p, s in
            let f = DemandForecast.forecast(s, method: method, horizon: horizon, fallbackAlpha: policy.demandSmoothing)
            return project(p, forecast: f, asOf: asOf, coverDays: policy.stockoutCoverDays)
        }.sorted { ($0.daysOfCover ?? .infinity, $0.sku, $0.warehouseID) < ($1.daysOfCover ?? .infinity, $1.sku, $1.warehouseID) }
    }

    /// Projects one position forward day by day under a forecast.
    public static func project(_ p: StockPosition, forecast f: DemandForecast, asOf: Day, coverDays: Double) -> StockoutRisk {
        var stock = Double(p.atp - p.openDemand)
        var cover: Double? = nil
        // Overdue receipts (eta before today) count as arriving today.
        let arrivals = Dictionary(grouping: p.inbound) { max($0.eta, asOf) }
        for day in 0..<horizonDays {
            stock += Double((arrivals[asOf + day] ?? []).reduce(0) { $0 + $1.qty })
            if stock < 0 { cover = Double(day); break }  // open demand alone outruns supply
            if f.rate > 0 && stock < f.rate { cover = Double(day) + stock / f.rate; break }
            stock -= f.rate
        }
        let window = Int(coverDays.rounded(.up))
        let supplyInWindow = Double(p.atp - p.openDemand) + Double(p.inbound.filter { $0.eta < asOf + window }.reduce(0) { $0 + $1.qty })
        var probability: Double? = nil
        if cover == 0 {
            probability = 1  // open demand already takes everything there is
        } else if let sd = f.errorSD, window > 0 {
            let mean = f.rate * Double(window)
            let spread = sd * Double(window).squareRoot()
            probability = spread > 0 ? 1 - Stats.normalCDF((supplyInWindow - mean) / spread) : (mean > supplyInWindow ? 1 : 0)
        }
        var confidence = Confidence.from(historySize: f.historyDays)
        // A rate resting on a handful of active days is a guess, whatever the calendar span.
        if f.activeDays < 3 { confidence = min(confidence, .low) }
        if f.historyDays < 7 { confidence = .none }
        let atRisk = confidence > .none && (cover.map { $0 < coverDays } ?? false)
        let inboundQty = p.inbound.reduce(0) { $0 + $1.qty }
        let how = f.method == .smoothing ? "α \(Fmt.fixed(f.alpha, 2))"
            : f.trendPerDay.map { "trend \($0 >= 0 ? "+" : "")\(Fmt.fixed($0, 3))/day/day" } ?? "no trend"
        var inputs = ["\(f.historyDays) days of order history (\(f.activeDays) with demand), rate \(Fmt.fixed(f.rate, 2))/day by \(f.method.phrase) (\(how))"]
        inputs.append("ATP \(p.atp), open demand \(p.openDemand), inbound \(inboundQty) in \(p.inbound.count) receipt(s)")
        if let sd = f.errorSD { inputs.append("one-day forecast error ±\(Fmt.fixed(sd, 2))") }
        return StockoutRisk(sku: p.sku, warehouseID: p.warehouseID, atp: p.atp, inboundQty: inboundQty, openDemand: p.openDemand,
                            forecast: f, daysOfCover: cover, runOutDate: cover.map { asOf + Int($0.rounded(.down)) },
                            stockoutProbability: probability, atRisk: atRisk,
                            basis: SignalBasis(inputs: inputs, historySize: f.historyDays, confidence: confidence))
    }
}
