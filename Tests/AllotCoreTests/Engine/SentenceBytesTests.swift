import Testing
@testable import AllotCore

/// A rationale is written into a buffer on the stack and carries on in an array once that is full: either way the
/// sentence is the concatenation of its pieces.
@Suite("Rationale sentence bytes")
struct SentenceBytesTests {
    @Test("pieces within the buffer, filling it exactly, and running past it make the joined string", arguments: [0, 1, 7, 16, 64])
    func joins(capacity: Int) {
        let pieces = ["Tier A, class 1", ": all ", "12", " from ", "DAL", " on hand", ", ships ", "11-29", "; é ü", "", "."]
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            var text = SentenceBytes(buffer)
            for p in pieces { text += p }
            #expect(text.string == pieces.joined())
        }
    }

    @Test("a piece that ends exactly at the buffer's end stays in it, and the next one carries on")
    func exactFit() {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 6) { buffer in
            var text = SentenceBytes(buffer)
            text += "abc"; text += "def"
            #expect(text.string == "abcdef")
            text += "g"
            #expect(text.string == "abcdefg")
        }
    }
}
