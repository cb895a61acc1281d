import AllotCore

/// What the planner's exception queue shows: the filter typed after `/` and the sort key, as one value.
///
/// The workbench builds it from the user's keys; `WorkbenchReads` turns it into SQL over the current plan.
public struct QueueQuery: Hashable, Sendable {
    public var filter: QueueFilter
    public var sort: QueueSort
    public init(filter: QueueFilter = QueueFilter(), sort: QueueSort = .priority) {
        self.filter = filter; self.sort = sort
    }
}

/// The orders the queue can be sorted (and so grouped) by, each a total order ending in the line key.
public enum QueueSort: String, Hashable, Sendable, CaseIterable {
    /// Exception type (lines with the same exceptions together), then priority class and due date.
    case type
    /// Priority class, then requested date: the order the engine serves lines in.
    case priority
    /// Requested (due) date first.
    case due
    /// Highest line value first.
    case value
    /// Longest waiting first.
    case age

    /// The next sort key, for the key that cycles through them.
    public var next: QueueSort {
        let all = QueueSort.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }
}

/// A parsed `/` filter: free text plus `type:`, `tier:`, `sku:`, `wh:` terms (all must hold).
public struct QueueFilter: Hashable, Sendable, CustomStringConvertible {
    /// Matched against order id, customer id and name, and sku (case-insensitive substring).
    public var text: [String] = []
    public var types: [ExceptionKind] = []
    public var tiers: [String] = []
    public var skus: [String] = []
    public var warehouses: [String] = []

    public init() {}

    /// Reads the words a user typed; a `type:` that names no exception type is an error naming it.
    public init(parsing input: String) throws(QueueFilterError) {
        for word in input.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            let w = String(word)
            guard let colon = w.firstIndex(of: ":"), colon != w.startIndex else { text.append(w); continue }
            let key = w[..<colon].lowercased(), value = String(w[w.index(after: colon)...])
            guard !value.isEmpty else { throw QueueFilterError(term: w, message: "'\(key):' needs a value") }
            switch key {
            case "type":
                guard let k = ExceptionKind(rawValue: value.uppercased()) else {
                    throw QueueFilterError(term: w, message: "'\(value)' is not an exception type (\(ExceptionKind.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                types.append(k)
            case "tier": tiers.append(value)
            case "sku": skus.append(value)
            case "wh", "warehouse": warehouses.append(value)
            default: text.append(w)
            }
        }
    }

    public var isEmpty: Bool { text.isEmpty && types.isEmpty && tiers.isEmpty && skus.isEmpty && warehouses.isEmpty }

    /// The filter written back the way a user types it.
    public var description: String {
        (types.map { "type:\($0.rawValue)" } + tiers.map { "tier:\($0)" } + skus.map { "sku:\($0)" }
            + warehouses.map { "wh:\($0)" } + text).joined(separator: " ")
    }
}

/// A `/` filter that cannot be used, with the term at fault.
public struct QueueFilterError: Error, Hashable, Sendable, CustomStringConvertible {
    public var term: String
    public var message: String
    public var description: String { "filter \(term): \(message)" }
}

/// Where a page of the queue starts: the top, the bottom, or just after/before a row already seen (keyset paging,
/// so a page deep in a million lines costs the same as the first).
public enum QueueAnchor: Hashable, Sendable {
    case first
    case last
    case after(QueueRow.SortKey)
    case before(QueueRow.SortKey)
}
