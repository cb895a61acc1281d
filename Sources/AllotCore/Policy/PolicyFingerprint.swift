extension Policy {
    /// Every setting of the policy as text that is the same in every process: what a plan's input hash reads.
    ///
    /// A policy's own description lists its dictionaries (routing, reasons, SLA hours) and sets (auto-release) in
    /// their hash order, which Swift seeds afresh in each process, so the same mirror and policy hashed differently
    /// from one `allot plan` to the next. Here their entries are sorted. Settings are read by reflection, so a key
    /// added to the policy is in the fingerprint without being listed here.
    public var fingerprint: String { CanonicalText.of(self) }
}

/// A value described as `String(reflecting:)` would, with the entries of every dictionary and the members of every set in
/// sorted order.
enum CanonicalText {
    static func of(_ value: Any) -> String {
        let mirror = Mirror(reflecting: value)
        // Each child described with its label, as `label: text` (or the text alone without one).
        func labelled(_ unlabelled: String = "") -> [String] {
            mirror.children.map { c in (c.label.map { "\($0): " } ?? unlabelled) + of(c.value) }
        }
        switch mirror.displayStyle {
        case .dictionary:
            // Each entry is a (key, value) pair.
            let entries = mirror.children.map { entry in Mirror(reflecting: entry.value).children.map { of($0.value) }.joined(separator: ": ") }
            return "[" + entries.sorted().joined(separator: ", ") + "]"
        case .set:
            return "[" + mirror.children.map { of($0.value) }.sorted().joined(separator: ", ") + "]"
        case .optional:
            return mirror.children.first.map { of($0.value) } ?? "nil"
        case .collection, .tuple:
            return "[" + labelled().joined(separator: ", ") + "]"
        case .struct, .class:
            return "\(mirror.subjectType)(" + labelled("_: ").joined(separator: ", ") + ")"
        default:
            // Text quoted and escaped, so that no two settings read alike.
            return String(reflecting: value)
        }
    }
}
