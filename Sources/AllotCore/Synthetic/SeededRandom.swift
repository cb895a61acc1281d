import Foundation

/// A small, fast, seeded random number generator (SplitMix64), so that a synthetic scenario is the same on
/// every machine for the same seed.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    /// A generator whose internal state starts at `state` exactly (the plain SplitMix64 seeding).
    public init(state: UInt64) { self.state = state }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A whole number in `range`.
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    /// A number in 0..<1.
    public mutating func unit() -> Double { Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0) }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// A decimal in `range`, rounded to cents.
    public mutating func money(_ range: ClosedRange<Double>) -> Double {
        Self.cents(range.lowerBound + unit() * (range.upperBound - range.lowerBound))
    }

    /// `v` rounded to whole cents, as a scenario's files write money: a generated amount made from others (a rate times
    /// a distance, a price from a cost) is rounded again, so that the generated snapshot and its files hold the same.
    public static func cents(_ v: Double) -> Double { (v * 100).rounded() / 100 }

    /// An index in 0..<n skewed toward small indexes (a few popular items, a long tail).
    public mutating func skewed(_ n: Int, power: Double = 2.2) -> Int {
        min(n - 1, Int(Double(n) * pow(unit(), power)))
    }
}
