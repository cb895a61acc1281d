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
    case object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null; return }
        if let v = try? c.decode(Bool.self) { self = .bool(v); return }
        if let v = try? c.decode(Int64.self) { self = .int(v); return }
        if let v = try? c.decode(Double.self) { self = .double(v); return }
        if let v = try? c.decode(String.self) { self = .string(v); return }
        if let v = try? c.decode([JSONValue].self) { self = .array(v); return }
        self = .object(try c.decode([String: JSONValue].self))
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

    var object: [String: JSONValue]? { if case .object(let o) = self { return o } else { return nil } }
}
