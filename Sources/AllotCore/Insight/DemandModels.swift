/// The demand models the stockout forecast chooses among, and how it chooses: by held-out error, pooled over every
/// sku × warehouse series (one series alone is too short and lumpy to pick its own model without chasing noise).
///
/// Order lines arrive in lumps: most days a sku sells nothing at a warehouse, then one big order. A plain mean is
/// hard to beat on such series; what beats it is (a) cleaning the lumps (a day above three times the typical
/// demand-day of its own month counts as three times that, so one outsized order does not set the rate of the
/// weeks after) and (b) a trend kept only as far as the data supports it (shrunk by its t-statistic). Simple
/// exponential smoothing stays in the running: it wins when demand shifts in a step.
///
/// The cost of cleaning: on series where huge orders are a regular part of demand, the rate is the typical demand
/// without them (below the long-run mean; `allot insight evaluate` prints the bias). Big orders usually arrive as
/// open orders, which the stockout projection counts as open demand, and the forecast error keeps the lumps, so the
/// stockout probability still allows for them.
public enum DemandMethod: String, Hashable, Sendable, Codable, CaseIterable {
    /// The mean of the cleaned level and the cleaned trend's projection (a forecast combination).
    case combined
    /// The mean daily demand of the cleaned series.
    case cleanedMean = "cleaned_mean"
    /// A straight line through the cleaned series, its slope shrunk by how sure it is, projected over the horizon.
    case cleanedTrend = "cleaned_trend"
    /// Simple exponential smoothing, its factor fitted to the series.
    case smoothing

    /// How the basis line names it.
    public var phrase: String {
        switch self {
        case .combined: return "mean of cleaned level and trend"
        case .cleanedMean: return "cleaned mean"
        case .cleanedTrend: return "cleaned trend"
        case .smoothing: return "exponential smoothing"
        }
    }
}

extension DemandForecast {
    /// Days of history below which the series is forecast by smoothing with the policy's factor, whatever was chosen.
    public static let minimumDaysForModels = 14
    /// A demand-day more than this many times the typical demand-day around it counts as this many times it.
    static let lumpCap = 3.0
    /// Days either side that define "around it".
    static let lumpWindow = 14

    /// The series with its lumps cleaned: each day capped at `lumpCap` × the median of the non-zero days within
    /// `lumpWindow` days (the series' own median where the window has fewer than three).
    public static func cleaned(_ daily: [Double]) -> [Double] {
        let nonZero = daily.filter { $0 > 0 }.sorted()
        guard !nonZero.isEmpty else { return daily }
        let overall = nonZero[nonZero.count / 2]
        return daily.indices.map { t in
            let around = daily[max(0, t - lumpWindow)...min(daily.count - 1, t + lumpWindow)].filter { $0 > 0 }.sorted()
            let typical = around.count >= 3 ? around[around.count / 2] : overall
            return min(daily[t], lumpCap * typical)
        }
    }

    /// A least-squares line through `xs` with its slope shrunk by t²/(1+t²): (mean, kept slope per day, centre index).
    static func shrunkTrend(_ xs: [Double]) -> (mean: Double, slope: Double, centre: Double) {
        let n = Double(xs.count)
        let mean = xs.reduce(0, +) / n
        let centre = (n - 1) / 2
        guard xs.count >= 3 else { return (mean, 0, centre) }
        var sxx = 0.0, sxy = 0.0
        for (i, x) in xs.enumerated() { let d = Double(i) - centre; sxx += d * d; sxy += d * (x - mean) }
        let slope = sxy / sxx
        var rss = 0.0
        for (i, x) in xs.enumerated() { let r = x - (mean + slope * (Double(i) - centre)); rss += r * r }
        let se = (rss / (n - 2) / sxx).squareRoot()
        let keep: Double
        if slope == 0 { keep = 0 } else if se == 0 { keep = 1 } else { let t = slope / se; keep = t * t / (1 + t * t) }
        return (mean, slope * keep, centre)
    }

    /// The forecast of mean daily demand over the next `horizon` days by `method`.
    public static func forecast(_ daily: [Double], method: DemandMethod, horizon: Int, fallbackAlpha: Double) -> DemandForecast {
        forecasts(daily, methods: [method], horizon: horizon, fallbackAlpha: fallbackAlpha)[0]
    }

    /// The forecasts by each of `methods`, in that order: the series is cleaned and its trend fitted once for all of
    /// them (choosing a model and the backtest forecast every series by every model).
    static func forecasts(_ daily: [Double], methods: [DemandMethod], horizon: Int, fallbackAlpha: Double) -> [DemandForecast] {
        var out: [DemandForecast] = []
        var trend: (level: Double, mean: Double, slope: Double, centre: Double, count: Int)?
        for method in methods {
            guard daily.count >= minimumDaysForModels, method != .smoothing else {
                var f = daily.count >= minimumDaysForModels ? fitted(daily, fallbackAlpha: fallbackAlpha) : smooth(daily, alpha: fallbackAlpha)
                f.method = .smoothing
                out.append(f)
                continue
            }
            if trend == nil {
                let clean = cleaned(daily)
                let (mean, slope, centre) = shrunkTrend(clean)
                trend = (clean.reduce(0, +) / Double(clean.count), mean, slope, centre, clean.count)
            }
            let (level, mean, slope, centre, count) = trend!
            // The trend's value at the middle of the coming `horizon` days.
            let ahead = Double(count - 1) - centre + Double(horizon + 1) / 2
            let trendRate = max(0, mean + slope * ahead)
            let rate: Double, fit: (Int) -> Double
            switch method {
            case .cleanedMean: rate = level; fit = { _ in level }
            case .cleanedTrend: rate = trendRate; fit = { max(0, mean + slope * (Double($0) - centre)) }
            default: rate = (level + trendRate) / 2; fit = { (level + max(0, mean + slope * (Double($0) - centre))) / 2 }
            }
            // The spread of the raw days (lumps included) around the fit: what the stockout probability must allow for.
            var sq = 0.0
            for (i, x) in daily.enumerated() { sq += (x - fit(i)) * (x - fit(i)) }
            out.append(DemandForecast(rate: rate, errorSD: (sq / Double(daily.count - 1)).squareRoot(), historyDays: daily.count,
                                      activeDays: daily.filter { $0 > 0 }.count, alpha: 0, method: method,
                                      trendPerDay: method == .cleanedMean ? nil : slope))
        }
        return out
    }

    /// The method with the least absolute error, summed over every series long enough to test, when it forecasts
    /// the mean of each series' last `horizon` days (at most a third of it) from the days before. Ties keep the
    /// earlier method of `DemandMethod.allCases`; with nothing to test, `.combined`.
    public static func chooseMethod(_ series: [[Double]], horizon: Int, fallbackAlpha: Double) -> DemandMethod {
        var errors: [DemandMethod: Double] = [:]
        for s in series {
            let h = min(max(1, horizon), s.count / 3)
            guard s.count - h >= minimumDaysForModels, h >= 1 else { continue }
            let train = Array(s[..<(s.count - h)]), actual = s[(s.count - h)...].reduce(0, +) / Double(h)
            for f in forecasts(train, methods: DemandMethod.allCases, horizon: h, fallbackAlpha: fallbackAlpha) {
                errors[f.method, default: 0] += abs(f.rate - actual)
            }
        }
        return DemandMethod.allCases.filter { errors[$0] != nil }.min { errors[$0]! < errors[$1]! } ?? .combined
    }
}
