import Foundation
import Testing
@testable import AllotCore
@testable import AllotStore

/// The bundled scenarios exist to tell stories (SampleData/README.md): these tests import each one, plan it with its
/// own policy on 2026-11-29 and check that the story shows. They assert the shape of the story, not exact figures,
/// so that engine improvements do not break them while a data change that loses the story does.
@Suite("Sample scenario stories")
struct SampleStoryTests {
    static let asOf = Day(year: 2026, month: 11, day: 29)

    static func folder(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("SampleData").appendingPathComponent(name)
    }

    /// Imports `SampleData/<name>` into a fresh mirror.
    static func imported(_ name: String) throws -> Mirror {
        let mirror = try Fixture.mirror()
        let summary = try SnapshotImporter(mirror: mirror).importSnapshot(directory: folder(name).path)
        #expect(summary.rejected == 0)
        return mirror
    }

    static func plan(_ mirror: Mirror) throws -> (Snapshot, Plan) {
        let snapshot = try mirror.loadSnapshot()
        return (snapshot, Engine.plan(snapshot: snapshot, policy: try mirror.storedPolicy(), asOf: asOf))
    }

    /// Imports `SampleData/<name>` into a fresh mirror and plans it with the scenario's policy.
    static func planned(_ name: String) throws -> (Snapshot, Plan) { try plan(try imported(name)) }

    static func events(_ mirror: Mirror, _ name: String, _ file: String) throws -> ImportSummary {
        let url = folder(name).appendingPathComponent("events").appendingPathComponent(file)
        return try EventImporter(mirror: mirror).importEvents(from: try Data(contentsOf: url), name: url.lastPathComponent)
    }

    static func line(_ plan: Plan, _ key: String) throws -> LineRecommendation {
        try #require(plan.lines.first { $0.key.description == key }, "no line \(key) in the plan")
    }

    @Test("promotion: Crestline's 900 MX-200 are short, split across sites, and crowd out smaller tiers")
    func promoStory() throws {
        let (snap, plan) = try Self.planned("promo-three-warehouses")
        #expect(plan.policyVersion == "2026-11-promo")
        #expect(snap.orders.count >= 300 && snap.orders.count <= 400)
        #expect(snap.lines.count >= 800 && snap.lines.count <= 1200)

        let big = try Self.line(plan, "SO-1901:1")
        #expect(big.sku == "MX-200" && big.requested == 900)
        #expect(big.short > 0 && big.allocated > 0, "the big promo line is filled in part, not whole, not zero")
        #expect(big.exceptions.contains(.shortage) && big.exceptions.contains(.highValue))
        #expect(Set(big.allocations.map(\.warehouseID)).count >= 2, "no single site can carry 900 mixers")

        // Smaller customers' MX-200 lines compete for what is left.
        let tier = Dictionary(uniqueKeysWithValues: snap.customers.map { ($0.id, $0.tier) })
        let customer = Dictionary(uniqueKeysWithValues: snap.orders.map { ($0.id, $0.customerID) })
        let starved = plan.lines.filter {
            $0.sku == "MX-200" && $0.short > 0 && $0.status != .held && tier[customer[$0.orderID] ?? ""] != "strategic"
        }
        #expect(starved.count >= 10, "only \(starved.count) smaller MX-200 lines go short")

        // Harbor's contract commitment is honoured.
        #expect(try Self.line(plan, "SO-1902:1").short == 0)
        // Northway's later strategic order runs into the tier's family quota.
        #expect(try Self.line(plan, "SO-1906:1").exceptions.contains(.quotaLimit))
        // Holds, margins, stale counts and expedite each show up where the data puts them.
        #expect(try Self.line(plan, "SO-1910:1").exceptions.contains(.creditHold))
        #expect(try Self.line(plan, "SO-1904:1").exceptions.contains(.orderHold))
        #expect(try Self.line(plan, "SO-1908:1").exceptions.contains(.lowMargin))
        #expect(try Self.line(plan, "SO-1905:1").exceptions.contains(.highValue))
        #expect(plan.lines.contains { $0.exceptions.contains(.staleData) && $0.allocations.contains { $0.warehouseID == "CHI" } })
        #expect(plan.lines.contains { $0.exceptions.contains(.expedite) })
        #expect(plan.lines.contains { $0.exceptions.contains(.substitution) })
        #expect(plan.lines.contains { $0.exceptions.contains(.transfer) })
    }

    @Test("medical: the heated-circuit shortage is shared across regions and capped for acute hospitals")
    func medicalStory() throws {
        let (snap, plan) = try Self.planned("medical-supplies")
        #expect(plan.policyVersion == "2026-11-medical-shortage")
        #expect(snap.orders.count >= 250 && snap.items.filter(\.critical).count >= 10)

        let tier = Dictionary(uniqueKeysWithValues: snap.customers.map { ($0.id, $0.tier) })
        let region = Dictionary(uniqueKeysWithValues: snap.customers.map { ($0.id, $0.region ?? "") })
        let customer = Dictionary(uniqueKeysWithValues: snap.orders.map { ($0.id, $0.customerID) })
        let circuits = plan.lines.filter { $0.sku == "VC-AD22H" && $0.status != .held }
        let asked = circuits.reduce(0) { $0 + $1.requested }
        let got = circuits.reduce(0) { $0 + $1.allocated }
        #expect(got < asked, "the circuits must be short")
        #expect(circuits.filter { $0.exceptions.contains(.shortage) || $0.exceptions.contains(.backorder) }.count >= 10)

        // The shortage is a choice between regions: circuits reach at least four regions, including MOUNTAIN,
        // which has no warehouse of its own.
        let served = Set(circuits.filter { $0.allocated > 0 }.map { region[customer[$0.orderID] ?? ""] ?? "" })
        #expect(served.count >= 4 && served.contains("MOUNTAIN"), "served regions: \(served.sorted())")
        // Trauma centres come first; acute hospitals stay within their quota of 150.
        let acute = circuits.filter { tier[customer[$0.orderID] ?? ""] == "acute" }
        #expect(acute.reduce(0) { $0 + $1.allocated } <= 150)
        #expect(acute.contains { $0.exceptions.contains(.quotaLimit) })

        #expect(try Self.line(plan, "SO-5907:1").exceptions.contains(.creditHold))
        #expect(try Self.line(plan, "SO-5906:1").exceptions.contains(.orderHold))
        #expect(try Self.line(plan, "SO-5904:1").exceptions.contains(.highValue))
        #expect(try Self.line(plan, "SO-5909:1").exceptions.contains(.lowMargin))
        #expect(plan.lines.contains { $0.exceptions.contains(.staleData) && $0.allocations.contains { $0.warehouseID == "RNO" } })
        #expect(plan.lines.contains { $0.exceptions.contains(.expedite) })
        #expect(plan.lines.contains { $0.exceptions.contains(.commitmentConflict) })
    }

    @Test("promotion morning feed: CHI's fresh counts clear the stale data and deepen Crestline's shortage")
    func promoMorningEvents() throws {
        let mirror = try Self.imported("promo-three-warehouses")
        let before = try Self.line(try Self.plan(mirror).1, "SO-1901:1")
        let summary = try Self.events(mirror, "promo-three-warehouses", "morning.jsonl")
        #expect((summary.duplicate, summary.stale, summary.rejected) == (1, 1, 0))
        #expect(summary.applied == 46)
        let (snap, plan) = try Self.plan(mirror)
        #expect(!plan.lines.contains { $0.exceptions.contains(.staleData) })
        #expect(snap.orders.first { $0.id == "SO-1904" }?.status == .open)
        #expect(snap.receipts.first { $0.id == "PO-46010" }?.eta == Day(year: 2026, month: 12, day: 5))
        let after = try Self.line(plan, "SO-1901:1")
        #expect(after.short > before.short, "27 fewer MX-200 at CHI must show on the big line")
        #expect(plan.lines.contains { $0.orderID == "SO-1911" })

        let bad = try Self.events(mirror, "promo-three-warehouses", "rejected-examples.jsonl")
        #expect((bad.applied, bad.rejected) == (1, 5))
    }

    @Test("medical morning feed: Reno's counts arrive, the circuit PO is pulled in, a stat order joins the shortage")
    func medicalMorningEvents() throws {
        let mirror = try Self.imported("medical-supplies")
        let summary = try Self.events(mirror, "medical-supplies", "morning.jsonl")
        #expect((summary.duplicate, summary.stale, summary.rejected) == (1, 1, 0))
        let (snap, plan) = try Self.plan(mirror)
        #expect(!plan.lines.contains { $0.exceptions.contains(.staleData) })
        #expect(snap.receipts.first { $0.id == "PO-78001" }?.eta == Day(year: 2026, month: 12, day: 4))
        #expect(plan.lines.contains { $0.orderID == "SO-5911" && $0.sku == "VC-AD22H" })
    }
}
