import Testing
@testable import AllotCore

@Suite("Days and timestamps")
struct DayTests {
    @Test("a date round-trips through its text")
    func roundTrip() {
        for text in ["1970-01-01", "2026-11-29", "2024-02-29", "2000-12-31", "1999-03-01"] {
            #expect(Day(text)?.description == text)
        }
    }

    @Test("impossible and malformed dates are rejected")
    func rejectsBadDates() {
        for text in ["2026-02-29", "2026-13-01", "2026-00-10", "2026-11-31", "26-11-29", "2026/11/29", "2026-11-2x", ""] {
            #expect(Day(text) == nil, "\(text) should not parse")
        }
    }

    @Test("day arithmetic crosses months and years")
    func arithmetic() {
        let d = Day("2026-12-30")!
        #expect((d + 3).description == "2027-01-02")
        #expect(Day("2027-01-02")! - d == 3)
    }

    @Test("RFC 3339 timestamps parse with zone offsets")
    func timestamps() {
        let a = Timestamp("2026-11-29T08:00:00Z")!
        let b = Timestamp("2026-11-29T09:00:00+01:00")!
        #expect(a == b)
        #expect(a.description == "2026-11-29T08:00:00Z")
        #expect(Timestamp("2026-11-29T08:00:00") == nil)
        #expect(Timestamp("2026-11-29T25:00:00Z") == nil)
    }
}
