import Foundation
import Testing
@testable import AllotCore

/// The bundled scenarios' policies are real policy files: they must parse and say what SampleData/README.md says.
@Suite("Sample scenario policies")
struct SamplePolicyTests {
    /// `SampleData/` of this source tree.
    static let sampleRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("SampleData")

    static func policy(_ scenario: String, _ file: String = "policy.toml") throws -> Policy {
        let url = sampleRoot.appendingPathComponent(scenario).appendingPathComponent(file)
        return try Policy(toml: String(contentsOf: url, encoding: .utf8), file: "\(scenario)/\(file)")
    }

    @Test("the promotion policy serves tiers first-come-first-served and makes lateness expensive")
    func promoPolicy() throws {
        let p = try Self.policy("promo-three-warehouses")
        #expect(p.version == "2026-11-promo")
        #expect(p.priority.tierOrder == ["strategic", "A", "B", "C"])
        #expect(p.priority.withinClass == .fcfs)
        #expect(p.cost.latenessPerUnitDay == 2.0)
        #expect(p.exceptions.highValueLimit == 50_000)
        #expect(p.exceptions.staleInventoryHours == 72)
        #expect(p.routing[.expedite] == .supervisor)
        #expect(p.autoRelease.allow == [.split])
        #expect(p.reasonCodes(for: "override").contains("PROMO_COMMITMENT"))
        #expect(p.slaHours[.customerService] == 4)
    }

    @Test("the medical policy shares shortages fairly among hospital classes and respects capacity")
    func medicalPolicy() throws {
        let p = try Self.policy("medical-supplies")
        #expect(p.version == "2026-11-medical-shortage")
        #expect(p.priority.tierOrder == ["trauma", "acute", "clinic", "long_term_care"])
        #expect(p.priority.criticalItemsFirst)
        #expect(p.priority.withinClass == .fairShare)
        #expect(p.priority.serviceTargets)
        #expect(p.cost.maxLateDays == 5)
        #expect(p.cost.agingBonusPerUnitDay == 0.01)
        #expect(p.cost.respectCapacity)
        #expect(p.exceptions.highValueLimit == 25_000)
        #expect(p.exceptions.staleInventoryHours == 24)
        #expect(p.routing[.shortage] == .supervisor)
        #expect(p.autoRelease.allow == [.split, .transfer, .expedite])
        #expect(p.slaHours[.supervisor] == 2)
    }

    @Test("each what-if policy differs from its scenario's policy in exactly the rule it is named for")
    func whatIfPolicies() throws {
        let promo = try Self.policy("promo-three-warehouses")
        var fair = try Self.policy("promo-three-warehouses", "what-if/fair-share.toml")
        #expect(fair.priority.withinClass == .fairShare)
        fair.priority.withinClass = promo.priority.withinClass
        fair.version = promo.version
        #expect(fair == promo)

        var aging = try Self.policy("promo-three-warehouses", "what-if/oldest-stock-first.toml")
        #expect(aging.cost.agingBonusPerUnitDay == 0.02)
        aging.cost.agingBonusPerUnitDay = promo.cost.agingBonusPerUnitDay
        aging.version = promo.version
        #expect(aging == promo)

        let medical = try Self.policy("medical-supplies")
        var fcfs = try Self.policy("medical-supplies", "what-if/fcfs-no-targets.toml")
        #expect(fcfs.priority.withinClass == .fcfs && !fcfs.priority.serviceTargets)
        fcfs.priority.withinClass = medical.priority.withinClass
        fcfs.priority.serviceTargets = medical.priority.serviceTargets
        fcfs.version = medical.version
        #expect(fcfs == medical)
    }
}
