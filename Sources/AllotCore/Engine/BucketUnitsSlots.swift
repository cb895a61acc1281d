/// Where the split merger finds what it keeps per bucket and number of units (rows, step bounds): an open-addressing
/// table from `(bucket, units)` to a slot, since a large group's search asks for hundreds of unit counts per bucket,
/// millions of times.
struct BucketUnitsSlots {
    private var keys: [Int]
    private var slots: [Int]
    private var used = 0
    private let buckets: Int

    init(buckets: Int) {
        self.buckets = buckets
        // Room for a few unit counts per bucket before the first growth.
        var size = 16
        while size < 4 * buckets { size *= 2 }
        keys = [Int](repeating: -1, count: size)
        slots = keys
    }

    /// The first place to look for `key` (Fibonacci hashing: the high bits of a multiplication spread nearby keys).
    @inline(__always) private func start(_ key: Int, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(truncatingIfNeeded: key) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// The slot of bucket `u` and `m` units (m ≥ 0), if one was added.
    func slot(_ u: Int, _ m: Int) -> Int? {
        let key = m * buckets + u, mask = keys.count - 1
        var h = start(key, mask)
        while keys[h] >= 0 {
            if keys[h] == key { return slots[h] }
            h = (h + 1) & mask
        }
        return nil
    }

    /// Records `slot` for bucket `u` and `m` units, which have none yet.
    mutating func add(_ u: Int, _ m: Int, slot: Int) {
        if 2 * (used + 1) > keys.count {
            let (oldKeys, oldSlots) = (keys, slots)
            keys = [Int](repeating: -1, count: 2 * oldKeys.count)
            slots = keys
            for (k, s) in zip(oldKeys, oldSlots) where k >= 0 { insert(k, s) }
        }
        insert(m * buckets + u, slot)
        used += 1
    }

    private mutating func insert(_ key: Int, _ slot: Int) {
        let mask = keys.count - 1
        var h = start(key, mask)
        while keys[h] >= 0 { h = (h + 1) & mask }
        keys[h] = key
        slots[h] = slot
    }
}
