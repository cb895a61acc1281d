import Foundation

/// A JSON value as decoded from one event line, keeping whole numbers apart from decimals so that a
/// quantity of `2.5` can be refused rather than rounded.
enum JSONValue: Decodable, Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// Decoding through `JSONDecoder` (the parser's tests compare `JSONLineParser` with it).
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null; return }
        if let v = try? c.decode(Bool.self) { self = .bool(v); return }
        if let v = try? c.decode(Int64.self) { self = .int(v); return }
        if let v = try? c.decode(Double.self) { self = .double(v); return }
        if let v = try? c.decode(String.self) { self = .string(v); return }
        if let v = try? c.decode([JSONValue].self) { self = .array(v); return }
        self = .object(JSONObject(try c.decode([String: JSONValue].self)))
    }

    /// The value as a CSV cell would hold it: nil for null, text for scalars, nil for arrays and objects.
    var cellText: String? {
        switch self {
        case .null: return nil
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return d == d.rounded() && abs(d) < 1e15 ? String(format: "%.1f", d) : String(d)
        case .string(let s): return s
        case .array, .object: return nil
        }
    }

    /// The value written back as compact JSON-ish text, for messages.
    var shown: String {
        switch self {
        case .null: return "null"
        case .array: return "[…]"
        case .object: return "{…}"
        default: return cellText ?? ""
        }
    }

    var object: JSONObject? { if case .object(let o) = self { return o } else { return nil } }
}

/// The members of a JSON object in the order written, looked up by name.
///
/// An event's objects have a handful of members each: finding one by comparing names is cheaper than hashing
/// them into a dictionary, and an import builds millions of these. The members are kept in one array made room
/// for eight at the first (two arrays grown one member at a time were four allocations each for an event's
/// envelope). Of duplicate names the first wins (as `JSONDecoder` does).
struct JSONObject: Hashable, Sendable {
    private struct Member: Sendable {
        var key: String
        var value: JSONValue
    }

    private var members: [Member] = []

    init() {}

    init(_ members: [String: JSONValue]) {
        for (k, v) in members.sorted(by: { $0.key < $1.key }) { self[k] = v }
    }

    var count: Int { members.count }

    /// The member's value; setting adds the member when absent (a later duplicate is ignored by the parser).
    subscript(key: String) -> JSONValue? {
        get {
            // Lengths first: the columns an event's fields are looked up by mostly differ in length, and comparing
            // two names of different lengths as strings took the slow path of string comparison every time.
            let length = key.utf8.count
            for m in members where m.key.utf8.count == length && m.key == key { return m.value }
            return nil
        }
        set {
            if let i = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[i].value = newValue } else { members.remove(at: i) }
            } else if let newValue {
                append(key, newValue)
            }
        }
    }

    /// Adds a member read from the text unless one of that name came first.
    mutating func addFirst(_ key: String, _ value: JSONValue) {
        if self[key] == nil { append(key, value) }
    }

    private mutating func append(_ key: String, _ value: JSONValue) {
        if members.capacity == 0 { members.reserveCapacity(8) }
        members.append(Member(key: key, value: value))
    }

    /// Equal when both have the same members, in whatever order (as JSON objects are).
    static func == (a: JSONObject, b: JSONObject) -> Bool {
        a.count == b.count && a.members.allSatisfy { b[$0.key] == $0.value }
    }

    func hash(into hasher: inout Hasher) {
        for m in members.sorted(by: { $0.key < $1.key }) { hasher.combine(m.key); hasher.combine(m.value) }
    }
}
