import ArgumentParser
import Foundation
import AllotCore
import AllotStore
import AllotTUI

/// `allot status`: what the mirror holds, table by table, its policy and how current its plan is.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what the mirror holds: rows per table, its policy, and its current plan with how current it is.")

    @OptionGroup var store: StoreOptions

    func run() throws {
        let mirror = try store.open()
        print("mirror: \(store.path)")
        for (table, rows) in try mirror.counts() {
            print("  \(table.padding(toLength: 14, withPad: " ", startingAt: 0)) \(rows)")
        }
        let policy = try mirror.storedPolicy()
        print("policy: \(policy.version)")
        if let sample = try mirror.sampleOrigin() {
            let d = sample.daysMoved
            print("sample: \(sample.scenario)" + (d == 0 ? ", dates as written"
                : ", dates moved \(d > 0 ? "+" : "")\(d) days (its \(SampleLocator.scenarioDay) is \(SampleLocator.scenarioDay + d))"))
        }
        // The status line's words: its age, its date, and the imports and decisions waiting for a re-plan.
        if let plan = try WorkbenchReads(mirror: mirror).currentPlanStatus() {
            let now = Timestamp(seconds: Date().timeIntervalSince1970)
            print("current plan: \(plan.id), policy \(plan.policyVersion): " + WorkbenchView.planText(plan, now: now, withDate: true))
        } else {
            print("current plan: none yet (allot plan makes one)")
        }
    }
}
