import Testing
import Foundation
@testable import AllotStore

@Suite("The published event schema")
struct EventSchemaTests {
    /// `Schemas/events.schema.json` of this source tree.
    static var schemaFile: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Schemas/events.schema.json")
    }

    static func published() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: schemaFile)) as? [String: Any])
    }

    @Test("the schema file and the importer agree on every type's required and known data fields")
    func requiredFieldsAgree() throws {
        let schema = try Self.published()
        let defs = try #require(schema["$defs"] as? [String: [String: Any]])
        let typeEnum = try #require(((schema["properties"] as? [String: Any])?["type"] as? [String: Any])?["enum"] as? [String])
        #expect(Set(typeEnum) == Event.types)
        for type in Event.types.sorted() {
            for v in Event.versions[type] ?? [] {
                let def = try #require(defs["\(type).v\(v)"], "no $defs entry for \(type) v\(v)")
                let required = Set(def["required"] as? [String] ?? [])
                let known = Set((def["properties"] as? [String: Any])?.keys.map { $0 } ?? [])
                let fields = EventSchema.fields(of: type)
                #expect(required == Set(fields.filter(\.required).map(\.name)), "\(type): required fields differ")
                #expect(known == Set(fields.map(\.name)), "\(type): fields differ")
                #expect(!required.isEmpty, "\(type) has no required field")
            }
        }
    }

    @Test("the schema file is exactly what `allot schema` derives from the importer")
    func fileIsCurrent() throws {
        let onDisk = try String(contentsOf: Self.schemaFile, encoding: .utf8)
        #expect(onDisk == EventSchema.document(), "regenerate with: allot schema > Schemas/events.schema.json")
    }

    @Test("the importer refuses an event that lacks a field the schema requires, naming the field")
    func importerChecksRequiredFields() throws {
        let mirror = try Fixture.mirror()
        try SnapshotImporter(mirror: mirror).importSnapshot(directory: try Fixture.folder().path)
        // For every type, take one required field away from an otherwise plausible payload.
        for type in Event.types.sorted() {
            let fields = EventSchema.fields(of: type).filter(\.required)
            for missing in fields {
                var data: [String: Any] = [:]
                for f in fields where f.name != missing.name { data[f.name] = Self.sample(f) }
                let body = String(decoding: try JSONSerialization.data(withJSONObject: data, options: [.sortedKeys]), as: UTF8.self)
                let line = #"{"id":"\#(type)-\#(missing.name)","source":"t","seq":1,"type":"\#(type)","at":"2026-11-29T08:00:00Z","data":\#(body)}"#
                let outcome = try EventImporter(mirror: mirror).apply(rawLine: line, file: "t.jsonl")
                guard case .rejected(let p) = outcome else {
                    Issue.record("\(type) without \(missing.name) was not refused"); continue
                }
                #expect(p.field?.hasPrefix("data.\(missing.name)") == true, "\(type) without \(missing.name): \(p.description)")
            }
        }
    }

    static func sample(_ f: EventSchema.Field) -> Any {
        let known: [String: Any] = ["customer_id": "C1", "sku": "MX-200", "order_id": "SO-1", "receipt_id": "PO-1",
                                    "tier": "A", "region": "south", "to_region": "south", "from_warehouse": "DAL"]
        if let v = known[f.name] { return v }
        if f.schema.contains("\"array\"") { return [["line_no": 1, "sku": "MX-200", "qty": 1]] }
        if f.schema.contains("date-time") { return "2026-11-29T08:00:00Z" }
        if f.schema.contains("\"date\"") { return "2026-12-01" }
        if f.schema.contains("integer") || f.schema.contains("number") { return 1 }
        if f.schema.contains("enum") { return "ok" }
        return "DAL"
    }
}
