import Foundation

/// The small, explainable statistics the metrics and the assisted-decision models are built from.
///
/// Every figure Allot shows a planner must be reproducible by hand, so these are textbook definitions:
/// percentiles by linear interpolation between closest ranks, the median absolute deviation, Beta posteriors.
public enum Stats {
    /// The `p`-quantile (0...1) of `values` by linear interpolation between closest ranks (NumPy's default);
    /// nil for no values.
    public static func percentile(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let s = values.sorted()
        return percentileOfSorted(s, p)
    }

    /// The `p`-quantile of already sorted values.
    public static func percentileOfSorted(_ s: [Double], _ p: Double) -> Double? {
        guard !s.isEmpty else { return nil }
        let pos = min(max(p, 0), 1) * Double(s.count - 1)
        let lo = Int(pos.rounded(.down)), hi = Int(pos.rounded(.up))
        return s[lo] + (s[hi] - s[lo]) * (pos - Double(lo))
    }

    public static func median(_ values: [Double]) -> Double? { percentile(values, 0.5) }

    public static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    /// Sample standard deviation (n − 1); nil under two values.
    public static func standardDeviation(_ values: [Double]) -> Double? {
        guard values.count >= 2, let m = mean(values) else { return nil }
        return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
    }

    /// Median absolute deviation from the median (unscaled).
    public static func mad(_ values: [Double]) -> Double? {
        guard let m = median(values) else { return nil }
        return median(values.map { abs($0 - m) })
    }

    /// Iglewicz–Hoaglin modified z-score: 0.6745 (x − median) / MAD. When more than half the peers are equal
    /// (MAD = 0) it falls back to the mean absolute deviation scaled to match a normal sd (× 1.2533).
    /// Nil when the peers do not vary at all.
    public static func robustZ(_ x: Double, peers: [Double]) -> Double? {
        guard let med = median(peers), let madValue = mad(peers) else { return nil }
        if madValue > 0 { return 0.6745 * (x - med) / madValue }
        let meanAD = peers.reduce(0) { $0 + abs($1 - med) } / Double(peers.count)
        guard meanAD > 0 else { return nil }
        return (x - med) / (1.2533 * meanAD)
    }

    /// Standard normal cumulative distribution.
    public static func normalCDF(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }

    public static func logit(_ p: Double) -> Double {
        let q = min(max(p, 1e-6), 1 - 1e-6)
        return log(q / (1 - q))
    }
    public static func logistic(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
}

/// A rate estimated from successes out of trials with a Beta prior, so that little history borrows from a
/// broader group (the prior mean) and a lot of history speaks for itself.
public struct BetaEstimate: Hashable, Sendable, Codable {
    /// Events observed (acceptances, slips, overrides).
    public var successes: Int
    public var trials: Int
    /// The prior's mean (the broader group's rate) and its weight in pseudo-observations.
    public var priorMean: Double
    public var priorStrength: Double

    public init(successes: Int, trials: Int, priorMean: Double, priorStrength: Double) {
        self.successes = successes; self.trials = trials; self.priorMean = priorMean; self.priorStrength = priorStrength
    }

    var alpha: Double { Double(successes) + priorMean * priorStrength }
    var beta: Double { Double(trials - successes) + (1 - priorMean) * priorStrength }

    /// The posterior mean.
    public var mean: Double { alpha / (alpha + beta) }
    /// The posterior standard deviation.
    public var sd: Double {
        let a = alpha, b = beta
        return ((a * b) / ((a + b) * (a + b) * (a + b + 1))).squareRoot()
    }
    /// A central credible interval by normal approximation, clipped to 0...1 (z = 1.2816 gives 80 %).
    public func interval(z: Double = 1.2816) -> (low: Double, high: Double) {
        (max(0, mean - z * sd), min(1, mean + z * sd))
    }
}

/// How far a signal may be trusted, from how much history it rests on and how consistent that history is.
public enum Confidence: String, Hashable, Sendable, Codable, Comparable, CaseIterable {
    /// Too little history to say anything; the signal makes no claim.
    case none
    case low
    case medium
    case high

    public static func < (a: Confidence, b: Confidence) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// A level from the number of observations behind an estimate (thresholds shared by all models so that
    /// "medium" means the same everywhere).
    public static func from(historySize n: Int) -> Confidence {
        switch n {
        case ..<3: return .none
        case 3..<10: return .low
        case 10..<30: return .medium
        default: return .high
        }
    }
}

/// What a signal rests on, shown beside it: the inputs it used, how much history, and how far to trust it.
public struct SignalBasis: Hashable, Sendable, Codable {
    /// Plain sentences naming the inputs (`"42 days of order history for MX-200 at DAL"`).
    public var inputs: [String]
    public var historySize: Int
    public var confidence: Confidence

    public init(inputs: [String], historySize: Int, confidence: Confidence) {
        self.inputs = inputs; self.historySize = historySize; self.confidence = confidence
    }

    enum CodingKeys: String, CodingKey { case inputs, historySize = "history_size", confidence }
}

/// Number formatting shared by reports (fixed decimals, no locale surprises).
public enum Fmt {
    public static func fixed(_ v: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", v) }
    public static func percent(_ v: Double?, _ digits: Int = 1) -> String {
        guard let v else { return "–" }
        return String(format: "%.\(digits)f%%", v * 100)
    }
}
