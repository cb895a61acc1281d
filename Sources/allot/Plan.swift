import ArgumentParser
import Foundation
import AllotCore
import AllotStore

/// `allot plan`: plans every open line, stores the plan, and prints a summary (or the contract's JSON).
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Plan every open order line and store the plan in the mirror.",
        discussion: """
        Recommends for each open line how much to allocate from which warehouse and supply, with its status \
        (auto, review, held, backorder), exceptions and a one-sentence rationale. Priority dominates (tier order, \
        critical items, first come first served or the policy's rule within a class), supply is never \
        over-allocated, commitments and quotas hold, and among equal fills the total cost is the least.

        The plan is stored as the mirror's current plan (with its policy version and a hash of its inputs); a \
        line whose recommendation did not change keeps its version. The same mirror, policy and --as-of always \
        give the same plan, byte for byte.

        With --what-if OTHER.toml, both policies are run on the same snapshot and compared side by side (fill \
        rate by tier, cost, exceptions by type, the lines whose recommendation changes); nothing is stored.
        """)

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Plan as of this date (YYYY-MM-DD). Default: today (UTC).", valueName: "date"))
    var asOf: String?

    @Option(name: .long, help: ArgumentHelp("Use this policy file instead of the mirror's stored policy.", valueName: "file"))
    var policy: String?

    @Flag(name: .long, help: "Print the plan as the contract's JSON document (section 3) instead of a summary.")
    var json = false

    @Option(name: .customLong("what-if"), help: ArgumentHelp("Compare with another policy on the same snapshot; stores nothing.", valueName: "file"))
    var whatIf: String?

    @Flag(name: .long, help: ArgumentHelp("After storing the plan, release its `auto` lines as decisions of the policy.",
                                          discussion: "Off by default so that planning twice on the same mirror prints the same plan."))
    var release = false

    @OptionGroup var store: StoreOptions

    func run() throws {
        let mirror = try store.open()
        let day = try PlanInputs.day(asOf)
        let policy = try PlanInputs.policy(file: self.policy, mirror: mirror)
        let started = Date()
        // Read before the snapshot: every change up to it is in the plan (the incremental re-plan starts after it).
        let basis = try mirror.lastChangeID()
        let snapshot = try mirror.loadSnapshot()
        let loaded = Date()
        let index = PlanningIndex(snapshot)
        let plan = Engine.plan(index: index, policy: policy, asOf: day)
        let planned = Date()

        if let whatIf {
            let other = try PlanInputs.policy(file: whatIf, mirror: mirror)
            let second = Engine.plan(index: index, policy: other, asOf: day)
            print(WhatIfReport(snapshot: snapshot, base: plan, other: second,
                               baseName: self.policy ?? "stored policy", otherName: whatIf).text)
            return
        }
        let hash = PlanStore.inputHash(snapshot: snapshot, policy: policy, asOf: day)
        let planID = try PlanStore(mirror: mirror).save(plan, snapshot: snapshot, policy: policy, inputHash: hash, changeID: basis)
        let stored = Date()
        var released = 0
        if release {
            // The insight signals' policy thresholds keep risky `auto` lines for a person.
            let holding = try InsightGate(mirror: mirror).linesToHold(asOf: day, policy: policy)
            released = try DecisionStore(mirror: mirror).recordPolicyReleases(planID: planID, holding: holding)
        }
        if json {
            FileHandle.standardOutput.write(Data(PlanJSON.encode(plan).utf8))
            return
        }
        print(PlanSummaryText.text(plan, planID: planID, inputHash: hash))
        if release { print("released automatically: \(released) line\(released == 1 ? "" : "s")") }
        print(String(format: "time: load %.3f s, engine %.3f s, store %.3f s", loaded.timeIntervalSince(started),
                     planned.timeIntervalSince(loaded), stored.timeIntervalSince(planned)))
    }
}

/// Reading the inputs every planning command shares: the date and the policy.
enum PlanInputs {
    /// Plans the mirror (as of `asOf`, default today) under its stored policy and stores the plan as current;
    /// returns its id and the snapshot it planned.
    @discardableResult
    static func planAndStore(mirror: Mirror, asOf: Day? = nil) throws -> (planID: String, snapshot: Snapshot) {
        let day = try asOf ?? day(nil)
        let policy = try mirror.storedPolicy()
        // Read before the snapshot: every change up to it is in the plan (the incremental re-plan starts after it).
        let basis = try mirror.lastChangeID()
        let snapshot = try mirror.loadSnapshot()
        let plan = Engine.plan(index: PlanningIndex(snapshot), policy: policy, asOf: day)
        let hash = PlanStore.inputHash(snapshot: snapshot, policy: policy, asOf: day)
        return (try PlanStore(mirror: mirror).save(plan, snapshot: snapshot, policy: policy, inputHash: hash, changeID: basis), snapshot)
    }

    static func day(_ text: String?) throws -> Day {
        guard let text else { return Day(unixSeconds: Date().timeIntervalSince1970) }
        guard let d = Day(text) else { throw ValidationError("--as-of: '\(text)' is not a date YYYY-MM-DD") }
        return d
    }

    static func policy(file: String?, mirror: Mirror) throws -> Policy {
        guard let file else { return try mirror.storedPolicy() }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw ValidationError("cannot read the policy file \(file)")
        }
        do { return try Policy(toml: text, file: file) } catch {
            throw ValidationError(error.description)
        }
    }
}

/// The human summary of a plan.
enum PlanSummaryText {
    static func text(_ plan: Plan, planID: String, inputHash: String) -> String {
        let s = plan.summary
        var out = "plan \(planID)  policy \(plan.policyVersion)  as of \(plan.asOf)  inputs \(inputHash.prefix(12))\n"
        out += "lines \(s.lines): auto \(s.auto), review \(s.review), held \(s.held), backorder \(s.backorder)\n"
        out += String(format: "fill rate %.1f%%, total cost %.2f\n", s.fillRate * 100, s.totalCost)
        var byKind: [ExceptionKind: Int] = [:]
        for l in plan.lines { for e in l.exceptions { byKind[e, default: 0] += 1 } }
        if !byKind.isEmpty {
            out += "exceptions: " + ExceptionKind.allCases.compactMap { k in byKind[k].map { "\(k.rawValue) \($0)" } }.joined(separator: ", ")
        } else {
            out += "exceptions: none"
        }
        return out
    }
}
