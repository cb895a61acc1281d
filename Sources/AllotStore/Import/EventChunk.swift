import AllotCore

extension EventBatch {
    /// A chunk of a file's lines, decoded, with what its batch lookups and counters need (all built off the
    /// writer's thread: `LineDecoder` makes the next chunk while the current one is applied).
    ///
    /// Sources, (source, entity) pairs and repeated ids are numbered here (by `ChunkBuilder`), so that the writer keeps its per-chunk
    /// state in arrays by those numbers rather than hashing strings several times for every event.
    struct Chunk: Sendable {
        var lines: [Decoded]
        /// The sources the chunk names, in order of first appearance.
        var sources: [String]
        /// Per line: its source's number in `sources`, -1 for a line without one.
        var sourceOf: [Int32]
        /// The distinct (source, entity) pairs of the chunk's events.
        var pairs: [(source: String, entity: String)]
        /// Per line: its event's pair in `pairs`, -1 when it is not an event or has no entity.
        var pairOf: [Int32]
        /// Per line: the nearest earlier line of the chunk with the same event id, -1 when there is none.
        var earlierSameID: [Int32]
        /// One entry per line, the event's id (null for a line that is not an event): `json_each`'s key is the line.
        var idsJSON: String
        /// `pairs` as a JSON array of pairs: `json_each`'s key is the pair's number.
        var pairsJSON: String
        /// The ledger columns of each line's event.
        var ledgerText: LedgerText

        fileprivate init(_ b: ChunkBuilder) {
            (lines, sources, sourceOf, pairs, pairOf, earlierSameID) = (b.lines, b.sources, b.sourceOf, b.pairs, b.pairOf, b.earlierSameID)
            idsJSON = b.ids + "]"
            ledgerText = b.ledgerText
            pairsJSON = EventBatch.jsonArray(b.pairs)
        }
    }

    /// Builds a `Chunk` line by line, each line added as soon as it is decoded: numbering a line's source, pair and
    /// id while its event is still in the processor's cache cost a fraction of doing it in a pass over the chunk
    /// afterwards, which fetched every event's fields again from memory.
    struct ChunkBuilder {
        fileprivate var lines: [Decoded] = []
        fileprivate var sources: [String] = [], pairs: [(source: String, entity: String)] = []
        fileprivate var sourceOf: [Int32] = [], pairOf: [Int32] = [], earlierSameID: [Int32] = []
        fileprivate var ids = "["
        fileprivate var ledgerText: LedgerText
        private var sourceNumbers: [String: Int32] = [:], pairNumbers: [Pair: Int32]
        private var lastLineOfID: [String: Int32]
        /// Lines of one source come in runs: the run's source is compared before any hashing.
        private var lastSource: (name: String, number: Int32)?

        init(capacity: Int) {
            lines.reserveCapacity(capacity)
            sourceOf.reserveCapacity(capacity); pairOf.reserveCapacity(capacity); earlierSameID.reserveCapacity(capacity)
            // Sized for the chunk at once: grown from empty, each was rehashed a dozen times per chunk.
            pairNumbers = [Pair: Int32](minimumCapacity: capacity)
            lastLineOfID = [String: Int32](minimumCapacity: capacity)
            ledgerText = LedgerText(capacity: capacity)
        }

        private mutating func number(ofSource s: String?) -> Int32 {
            guard let s else { return -1 }
            if let last = lastSource, last.name == s { return last.number }
            let n: Int32
            if let known = sourceNumbers[s] {
                n = known
            } else {
                n = Int32(sources.count)
                sourceNumbers[s] = n
                sources.append(s)
            }
            lastSource = (s, n)
            return n
        }

        /// Adds the next line of the chunk.
        mutating func add(_ decoded: consuming Decoded) {
            let i = Int32(lines.count)
            if i > 0 { ids += "," }
            switch decoded {
            case .rejected(_, _, let source):
                sourceOf.append(number(ofSource: source))
                pairOf.append(-1)
                earlierSameID.append(-1)
                ids += "null"
                ledgerText.append(nil, entity: nil)
            case .event(let line):
                sourceOf.append(number(ofSource: line.event.source))
                if let entity = line.entity {
                    let key = Pair(source: line.event.source, entity: entity)
                    if let n = pairNumbers[key] {
                        pairOf.append(n)
                    } else {
                        pairNumbers[key] = Int32(pairs.count)
                        pairOf.append(Int32(pairs.count))
                        pairs.append((line.event.source, entity))
                    }
                } else {
                    pairOf.append(-1)
                }
                earlierSameID.append(lastLineOfID.updateValue(i, forKey: line.event.id) ?? -1)
                EventBatch.quote(line.event.id, into: &ids)
                ledgerText.append(line.event, entity: line.entity)
            }
            lines.append(decoded)
        }

        func finish() -> Chunk { Chunk(self) }
    }

    /// A (source, entity) pair as a dictionary key, without joining the two into a new string.
    fileprivate struct Pair: Hashable {
        var source: String
        var entity: String
    }

    /// The strings as a JSON array, for `json_each`.
    static func jsonArray(_ strings: [String]) -> String {
        var out = "["
        for (i, s) in strings.enumerated() {
            if i > 0 { out += "," }
            quote(s, into: &out)
        }
        return out + "]"
    }

    /// The pairs as a JSON array of two-string arrays, for `json_each`.
    static func jsonArray(_ pairs: [(source: String, entity: String)]) -> String {
        var out = "["
        for (i, pair) in pairs.enumerated() {
            out += i > 0 ? ",[" : "["
            quote(pair.source, into: &out)
            out += ","
            quote(pair.entity, into: &out)
            out += "]"
        }
        return out + "]"
    }

    /// Appends `s` as a JSON string. Ids and entity keys rarely need escaping: those are copied whole, the rest
    /// go through the plan document's escaper.
    static func quote(_ s: String, into out: inout String) {
        if s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            PlanJSON.string(s, into: &out)
        } else {
            out += "\""
            out += s
            out += "\""
        }
    }
}
