import Foundation

/// The contract's event types as a JSON Schema (draft 2020-12), derived from the very column specs the event
/// importer checks `data` against, so that the published schema (`Schemas/events.schema.json`) and the importer
/// cannot disagree on a type's required fields or their kinds.
public enum EventSchema {
    /// One field of an event type's `data`.
    public struct Field: Hashable, Sendable {
        public var name: String
        public var required: Bool
        /// The JSON Schema of its value.
        public var schema: String
    }

    /// The event types the importer reads, sorted.
    public static var types: [String] { Event.types.sorted() }

    /// The `data` versions the importer reads for `type`.
    public static func versions(of type: String) -> [Int] { (Event.versions[type] ?? [1]).sorted() }

    /// The fields of `type`'s `data` (version 1) as the importer checks them, in column order.
    public static func fields(of type: String) -> [Field] {
        typealias A = EventApplier
        guard let spec = A.spec(of: type) else { return [] }
        // `event_id` of a shipment is taken from the envelope, whatever `data` says.
        var out = spec.columns.filter { !(type == "shipment.confirmed" && $0.name == "event_id") }.map(field)
        if type == "order.upserted" {
            let lineColumns = A.orderLines.columns.filter { $0.name != "order_id" }
            let lineSchema = object(lineColumns.map(field))
            out.append(Field(name: "lines", required: true, schema: "{\"type\":\"array\",\"items\":\(lineSchema)}"))
        }
        return out
    }

    static func field(_ c: SnapshotLayout.Column) -> Field {
        Field(name: c.name, required: c.required, schema: valueSchema(c.kind, nullable: !c.required))
    }

    /// The JSON Schema of one cell kind. An optional field may be `null` (its default applies).
    static func valueSchema(_ kind: SnapshotLayout.Kind, nullable: Bool) -> String {
        func type(_ t: String) -> String { nullable ? "[\"\(t)\",\"null\"]" : "\"\(t)\"" }
        switch kind {
        case .text: return nullable ? "{\"type\":[\"string\",\"null\"]}" : "{\"type\":\"string\",\"minLength\":1}"
        case .count: return "{\"type\":\(type("integer")),\"minimum\":0}"
        case .integer: return "{\"type\":\(type("integer"))}"
        case .decimal(let lo, let hi):
            var s = "{\"type\":\(type("number"))"
            if let lo { s += ",\"minimum\":\(number(lo))" }
            if let hi { s += ",\"maximum\":\(number(hi))" }
            return s + "}"
        case .bool: return "{\"type\":\(type("boolean"))}"
        case .date: return "{\"type\":\(type("string")),\"format\":\"date\"}"
        case .timestamp: return "{\"type\":\(type("string")),\"format\":\"date-time\"}"
        case .oneOf(let values):
            let list = values.map { "\"\($0)\"" } + (nullable ? ["null"] : [])
            return "{\"enum\":[\(list.joined(separator: ","))]}"
        }
    }

    static func number(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }

    static func object(_ fields: [Field]) -> String {
        let props = fields.map { "\"\($0.name)\":\($0.schema)" }.joined(separator: ",")
        let required = fields.filter(\.required).map { "\"\($0.name)\"" }.joined(separator: ",")
        return "{\"type\":\"object\",\"required\":[\(required)],\"properties\":{\(props)}}"
    }

    /// The whole schema document, pretty-printed with sorted keys (the text of `Schemas/events.schema.json`).
    public static func document() -> String {
        let typeList = types.map { "\"\($0)\"" }.joined(separator: ",")
        var defs: [String] = []
        var rules: [String] = []
        for t in types {
            let versions = versions(of: t)
            for v in versions { defs.append("\"\(t).v\(v)\":\(object(fields(of: t)))") }
            let thenData = versions.count == 1
                ? "{\"$ref\":\"#/$defs/\(t).v\(versions[0])\"}"
                : "{\"oneOf\":[\(versions.map { "{\"$ref\":\"#/$defs/\(t).v\($0)\"}" }.joined(separator: ","))]}"
            rules.append("""
                {"if":{"properties":{"type":{"const":"\(t)"}}},"then":{"properties":{"v":{"enum":[\(versions.map(String.init).joined(separator: ","))]},"data":\(thenData)}}}
                """)
        }
        let text = """
            {"$schema":"https://json-schema.org/draft/2020-12/schema",
             "$id":"https://allot.example/schemas/events.schema.json",
             "title":"Allot event (one line of a JSON Lines file)",
             "description":"The contract's section 2 events. `id` is the idempotency key; `seq` orders the events of one source; `v` is the version of the type's data (1 when absent), so that a producer's new version can be read alongside the old one. Optional data fields may be null (their default applies); quantities are whole numbers >= 0.",
             "type":"object",
             "required":["id","source","seq","type","at","data"],
             "properties":{
               "id":{"type":"string","minLength":1},
               "source":{"type":"string","minLength":1},
               "seq":{"type":"integer","minimum":0},
               "type":{"enum":[\(typeList)]},
               "v":{"type":"integer","minimum":1,"default":1},
               "at":{"type":"string","format":"date-time"},
               "data":{"type":"object"}},
             "allOf":[\(rules.joined(separator: ","))],
             "$defs":{\(defs.joined(separator: ","))}}
            """
        // Re-serialised so the file is stable, sorted and readable.
        let object = try! JSONSerialization.jsonObject(with: Data(text.utf8))
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
