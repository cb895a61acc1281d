import Testing
import Foundation
@testable import AllotStore
import AllotCore

/// The signals read for the workbench learn exactly what the full `allot insight` inputs teach the models.
@Suite("Signals read for the workbench")
struct AssistReadsTests {
    static func sample() throws -> Mirror {
        let m = try SampleStoryTests.imported("promo-three-warehouses")
        _ = try HistoryLoader(mirror: m).load(directory: SampleStoryTests.folder("promo-three-warehouses").path)
        return m
    }

    @Test("the override model tallied in SQL is the model trained on the insight inputs' override history")
    func overrideModelMatches() throws {
        let m = try Self.sample()
        let reference = OverrideModel(training: try InsightReads(mirror: m).insightInputs(asOf: SampleStoryTests.asOf).overrideHistory)
        let signal = try #require(try InsightReads(mirror: m).overrideSignal())
        #expect((signal.model.overridden, signal.model.total) == (reference.overridden, reference.total))
        func flat(_ c: [String: [String: (Int, Int)]]) -> [String: [Int]] {
            var out: [String: [Int]] = [:]
            for (f, vs) in c { for (v, kn) in vs { out["\(f)=\(v)"] = [kn.0, kn.1] } }
            return out
        }
        #expect(flat(signal.model.counts) == flat(reference.counts))
        #expect(reference.total >= OverrideSignal.minimumHistory)
    }

    @Test("substitution outcomes carry the customer's tier and the family, as the insight inputs do")
    func substitutionOutcomesMatch() throws {
        let m = try Self.sample()
        let reference = try InsightReads(mirror: m).insightInputs(asOf: SampleStoryTests.asOf).substitutionHistory
        let read = try InsightReads(mirror: m).substitutionOutcomes().outcomes
        #expect(!read.isEmpty)
        #expect(Set(read) == Set(reference))
    }

    @Test("on both samples' history the demand forecast beats the plain mean of the training days, held out", arguments: ["promo-three-warehouses", "medical-supplies"])
    func forecastBeatsMeanOnSamples(scenario: String) throws {
        let m = try SampleStoryTests.imported(scenario)
        _ = try HistoryLoader(mirror: m).load(directory: SampleStoryTests.folder(scenario).path)
        let policy = try m.storedPolicy()
        let inputs = try InsightReads(mirror: m).insightInputs(asOf: SampleStoryTests.asOf, policy: policy)
        let e = AssistedDecisions.evaluate(inputs, policy: policy.insight)
        #expect(e.stockout.series > 50)
        #expect(e.stockout.mae! < e.stockout.naiveMAE!, "\(String(describing: e.stockout.method)): \(e.stockout.mae!) vs \(e.stockout.naiveMAE!)")
    }
}
