/// A calendar day, counted from 1970-01-01 (UTC), so that date arithmetic is integer arithmetic.
///
/// The contract writes dates as `YYYY-MM-DD`; the engine adds lead times and transit days to them
/// millions of times per plan, so a day is a plain integer, not a `Date`.
public struct Day: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var ordinal: Int32

    public init(ordinal: Int32) { self.ordinal = ordinal }

    /// Parses `YYYY-MM-DD`, rejecting anything else (including impossible dates such as 2026-02-30).
    public init?(_ text: some StringProtocol) {
        var s = String(text)
        guard let ordinal = s.withUTF8({ Day.ordinal(of: $0) }) else { return nil }
        self.ordinal = ordinal
    }

    /// The day of `YYYY-MM-DD` in UTF-8, read in place: the event intake parses a few dates per event, and
    /// copying each into an array first cost more than the parse.
    static func ordinal(of u: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-") else { return nil }
        guard let y = number(in: u, 0..<4), let m = number(in: u, 5..<7), let d = number(in: u, 8..<10),
              (1...12).contains(m), d >= 1, d <= Day.daysInMonth(year: y, month: m) else { return nil }
        return Int32(Day.daysFromCivil(y, m, d))
    }

    /// The decimal number written in `u[r]`, nil when a byte there is not a digit.
    static func number(in u: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Int? {
        var v = 0
        for i in r { let c = u[i]; guard c >= 48 && c <= 57 else { return nil }; v = v * 10 + Int(c - 48) }
        return v
    }

    public init(year: Int, month: Int, day: Int) {
        self.ordinal = Int32(Day.daysFromCivil(year, month, day))
    }

    public var components: (year: Int, month: Int, day: Int) { Day.civilFromDays(Int(ordinal)) }

    public var description: String {
        let (y, m, d) = components
        // Written digit by digit: a plan spells millions of dates.
        if (0...9999).contains(y) { return Day.digits(y, 4, m, 2, d, 2) }
        func pad(_ v: Int, _ n: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, n - s.count)) + s }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// `MM-DD`, for narrow table columns.
    public var short: String {
        let (y, m, d) = components
        if (0...9999).contains(y) { return Day.digits(m, 2, d, 2) }
        return String(description.dropFirst(5))
    }

    /// Zero-padded numbers joined by "-" (each number fits its width).
    /// The values with `width` digits each, joined by "-" (a third part when `w2` > 0), written straight into the
    /// string: at most 10 bytes, so a small string that needs no heap allocation.
    private static func digits(_ v0: Int, _ w0: Int, _ v1: Int, _ w1: Int, _ v2: Int = 0, _ w2: Int = 0) -> String {
        String(unsafeUninitializedCapacity: w0 + w1 + w2 + 2) { buffer in
            var i = 0
            func put(_ v: Int, _ width: Int) {
                var div = 1
                for _ in 1..<width { div *= 10 }
                while div > 0 { buffer[i] = UInt8(ascii: "0") + UInt8(v / div % 10); i += 1; div /= 10 }
            }
            put(v0, w0)
            buffer[i] = UInt8(ascii: "-"); i += 1
            put(v1, w1)
            if w2 > 0 { buffer[i] = UInt8(ascii: "-"); i += 1; put(v2, w2) }
            return i
        }
    }

    public static func + (lhs: Day, rhs: Int) -> Day { Day(ordinal: lhs.ordinal + Int32(rhs)) }
    public static func - (lhs: Day, rhs: Int) -> Day { Day(ordinal: lhs.ordinal - Int32(rhs)) }
    public static func - (lhs: Day, rhs: Day) -> Int { Int(lhs.ordinal - rhs.ordinal) }
    public static func < (lhs: Day, rhs: Day) -> Bool { lhs.ordinal < rhs.ordinal }

    /// The day of a Unix timestamp (seconds), in UTC.
    public init(unixSeconds: Double) {
        self.ordinal = Int32((unixSeconds / 86_400).rounded(.down))
    }
    public var unixSeconds: Double { Double(ordinal) * 86_400 }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let d = Day(s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a date YYYY-MM-DD: \(s)")
        }
        self = d
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
    // Howard Hinnant's civil-date algorithms.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

/// A moment in time as the contract writes it (RFC 3339), kept as seconds since 1970 UTC.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var seconds: Double
    public init(seconds: Double) { self.seconds = seconds }

    /// Parses RFC 3339 (`2026-11-29T08:00:00Z`, `2026-11-29T08:00:00.5+01:00`); a bare date means midnight UTC.
    public init?(_ text: some StringProtocol) {
        var s = String(text)
        guard let seconds = s.withUTF8({ Timestamp.seconds(of: $0) }) else { return nil }
        self.seconds = seconds
    }

    /// The seconds of an RFC 3339 text (or a bare date) in UTF-8, read in place.
    static func seconds(of u: UnsafeBufferPointer<UInt8>) -> Double? {
        if let d = Day.ordinal(of: u) { return Day(ordinal: d).unixSeconds }
        guard u.count >= 20, let day = Day.ordinal(of: UnsafeBufferPointer(rebasing: u[0..<10])).map(Day.init(ordinal:)),
              u[10] == UInt8(ascii: "T") || u[10] == UInt8(ascii: "t") || u[10] == UInt8(ascii: " "),
              u[13] == UInt8(ascii: ":"), u[16] == UInt8(ascii: ":") else { return nil }
        func num(_ r: Range<Int>) -> Int? { Day.number(in: u, r) }
        guard let hh = num(11..<13), let mm = num(14..<16), let ss = num(17..<19), hh < 24, mm < 60, ss <= 60 else { return nil }
        var i = 19
        var frac = 0.0
        if i < u.count, u[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 0.1
            let start = i
            while i < u.count, u[i] >= 48, u[i] <= 57 { frac += Double(u[i] - 48) * scale; scale /= 10; i += 1 }
            guard i > start else { return nil }
        }
        guard i < u.count else { return nil }
        var offset = 0
        if u[i] == UInt8(ascii: "Z") || u[i] == UInt8(ascii: "z") {
            guard i + 1 == u.count else { return nil }
        } else if u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") {
            guard i + 6 == u.count, u[i + 3] == UInt8(ascii: ":"),
                  let oh = num(i + 1..<i + 3), let om = num(i + 4..<i + 6) else { return nil }
            offset = (oh * 3600 + om * 60) * (u[i] == UInt8(ascii: "+") ? 1 : -1)
        } else { return nil }
        return day.unixSeconds + Double(hh * 3600 + mm * 60 + ss) + frac - Double(offset)
    }

    public var day: Day { Day(unixSeconds: seconds) }

    /// RFC 3339 in UTC, whole seconds: `2026-11-29T08:00:00Z`.
    public var description: String {
        let whole = Int((seconds).rounded(.down))
        let d = Day(unixSeconds: Double(whole))
        let rem = whole - Int(d.ordinal) * 86_400
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(d)T\(two(rem / 3600)):\(two(rem % 3600 / 60)):\(two(rem % 60))Z"
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.seconds < rhs.seconds }
}

extension Timestamp: Codable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let t = Timestamp(s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not an RFC 3339 timestamp: \(s)")
        }
        self = t
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
