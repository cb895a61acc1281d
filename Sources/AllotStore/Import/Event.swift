import Foundation
import AllotCore

/// One event line, its envelope checked: `{"id","source","seq","type","at","data"}`.
struct Event: Sendable {
    /// The event types of the contract's section 2.
    static let types: Set<String> = [
        "order.upserted", "order.cancelled", "order.held", "order.released",
        "inventory.snapshot", "inventory.adjusted", "receipt.upserted", "receipt.received", "shipment.confirmed",
        "customer.upserted", "item.upserted", "warehouse.upserted", "lane.upserted",
    ]

    /// The versions of each type's `data` this Allot reads (the envelope's `"v"`, 1 when absent); a producer
    /// moving to a new version is accepted alongside the old one once the new version is listed here and in
    /// `Schemas/events.schema.json`.
    static let versions: [String: Set<Int>] = Dictionary(uniqueKeysWithValues: types.map { ($0, [1]) })

    var id: String
    var source: String
    var seq: Int64
    var type: String
    /// The version of the type's `data` (the envelope's `"v"`, default 1).
    var version: Int
    /// RFC 3339, as sent.
    var at: String
    var data: JSONObject

    /// The `source` of a line that is not a valid event, when the line is a JSON object with a non-empty string
    /// there: who sent the bad line, for its dead letter and its source's rejected count.
    static func readableSource(_ raw: String) -> String? {
        guard let o = (try? JSONLineParser.parse(raw))?.object, case .string(let s)? = o["source"], !s.isEmpty else { return nil }
        return s
    }

    /// Parses and checks the envelope; throws the `ImportProblem` that names what is wrong.
    init(raw: String, file: String, line: Int?) throws {
        func problem(_ field: String? = nil, _ value: String? = nil, _ message: String) -> ImportProblem {
            ImportProblem(file: file, line: line, field: field, value: value, message: message)
        }
        let decoded: JSONValue
        do { decoded = try JSONLineParser.parse(raw) } catch {
            throw problem(nil, raw, "is not valid JSON")
        }
        guard let o = decoded.object else { throw problem(nil, raw, "is not a JSON object") }
        func string(_ key: String) throws -> String {
            guard let v = o[key] else { throw problem(key, nil, "is missing") }
            guard case .string(let s) = v, !s.isEmpty else { throw problem(key, v.shown, "is not a non-empty string") }
            return s
        }
        id = try string("id")
        source = try string("source")
        guard let s = o["seq"] else { throw problem("seq", nil, "is missing") }
        guard case .int(let n) = s, n >= 0 else { throw problem("seq", s.shown, "is not a whole number >= 0") }
        seq = n
        type = try string("type")
        guard Event.types.contains(type) else {
            throw problem("type", type, "is not a known event type (\(Event.types.sorted().joined(separator: ", ")))")
        }
        if let v = o["v"] {
            guard case .int(let n) = v, n >= 1 else { throw problem("v", v.shown, "is not a whole number >= 1") }
            version = Int(n)
        } else {
            version = 1
        }
        let known = Event.versions[type] ?? [1]
        guard known.contains(version) else {
            throw problem("v", String(version), "is not a version of \(type) this Allot reads (it reads \(known.sorted().map(String.init).joined(separator: ", ")))")
        }
        at = try string("at")
        guard Timestamp(at) != nil else { throw problem("at", at, "is not an RFC 3339 timestamp") }
        guard let d = o["data"] else { throw problem("data", nil, "is missing") }
        guard let obj = d.object else { throw problem("data", d.shown, "is not a JSON object") }
        data = obj
    }

    /// The entity the event is about, for ordering by seq: `order:SO-1`, `inventory:DAL:MX-200`, ….
    /// Throws the problem naming the missing or empty key field.
    func entity(file: String, line: Int?) throws -> String {
        func key(_ field: String) throws -> String {
            guard let v = data[field] else { throw ImportProblem(file: file, line: line, field: "data." + field, message: "is missing") }
            guard let t = v.cellText, !t.isEmpty else {
                throw ImportProblem(file: file, line: line, field: "data." + field, value: v.shown, message: "is required")
            }
            return t
        }
        switch type {
        case "order.upserted", "order.cancelled", "order.held", "order.released":
            return "order:" + (try key("order_id"))
        case "inventory.snapshot", "inventory.adjusted":
            return "inventory:" + (try key("warehouse_id")) + ":" + (try key("sku"))
        case "receipt.upserted", "receipt.received":
            return "receipt:" + (try key("receipt_id"))
        case "shipment.confirmed":
            return "shipment:\(try key("order_id")):\(try key("line_no")):\(try key("warehouse_id"))"
        case "customer.upserted": return "customer:" + (try key("customer_id"))
        case "item.upserted": return "item:" + (try key("sku"))
        case "warehouse.upserted": return "warehouse:" + (try key("warehouse_id"))
        case "lane.upserted":
            let mode = data["mode"]?.cellText.flatMap { $0.isEmpty ? nil : $0 } ?? "ground"
            return "lane:\(try key("from_warehouse")):\(try key("to_region")):\(mode)"
        default:
            throw ImportProblem(file: file, line: line, value: type, message: "is not a known event type")
        }
    }
}
