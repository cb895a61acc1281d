import Testing
@testable import AllotCore

@Suite("Policy files")
struct PolicyTests {
    @Test("an empty policy is the contract's default")
    func emptyIsDefault() throws {
        let p = try Policy(toml: "")
        #expect(p == Policy())
        #expect(p.priority.tierOrder == ["strategic", "A", "B", "C"])
        #expect(p.cost.splitPenalty == 25.0)
        #expect(p.cost.maxLateDays == 14)
    }

    @Test("the contract's example policy reads back key by key")
    func contractExample() throws {
        let p = try Policy(toml: """
        version = "2026-11-default"
        [priority]
        tier_order = ["strategic", "A", "B", "C"]
        critical_items_first = true
        within_class = "fair_share"
        [cost]
        lateness_per_unit_day = 0.75
        split_penalty = 10
        max_late_days = 7
        split_search_effort = 40
        [routing]
        LATE = "customer_service"
        [auto_release]
        allow = ["SPLIT", "TRANSFER"]
        """)
        #expect(p.priority.withinClass == .fairShare)
        #expect(p.cost.latenessPerUnitDay == 0.75)
        #expect(p.cost.splitPenalty == 10)
        #expect(p.cost.maxLateDays == 7)
        #expect(p.cost.splitSearchEffort == 40)
        #expect(p.routing[.late] == .customerService)
        #expect(p.autoRelease.allow == [.split, .transfer])
        #expect(p.tierClass("A") == 1)
        #expect(p.tierClass("Z") == 4)
    }

    @Test("a wrong value names its key")
    func errorsNameTheKey() {
        #expect(throws: PolicyError.self) { try Policy(toml: "[priority]\nwithin_class = \"random\"") }
        do { _ = try Policy(toml: "[cost]\nmax_late_days = -1", file: "p.toml"); Issue.record("should fail") } catch {
            #expect(error.description.contains("cost.max_late_days"))
            #expect(error.description.contains("p.toml"))
        }
        do { _ = try Policy(toml: "[cost]\nsplit_search_effort = -3"); Issue.record("should fail") } catch {
            #expect(error.key == "cost.split_search_effort")
        }
        do { _ = try Policy(toml: "[cost]\nsplit_search_effort = 2.5"); Issue.record("should fail") } catch {
            #expect(error.key == "cost.split_search_effort")
        }
        do { _ = try Policy(toml: "[routing]\nNOPE = \"planner\""); Issue.record("should fail") } catch {
            #expect(error.key == "routing.NOPE")
        }
        do { _ = try Policy(toml: "version = \n", file: "x.toml"); Issue.record("should fail") } catch {
            #expect(error.line == 1)
        }
    }
}

@Suite("Policy fingerprint")
struct PolicyFingerprintTests {
    @Test("equal policies read alike whatever order their dictionaries and sets were filled in; any setting changes it")
    func fingerprint() throws {
        var a = Policy(), b = Policy()
        // The same entries, inserted in opposite orders (a dictionary's listing follows its history and the process's seed).
        a.routing = [:]; b.routing = [:]
        for k in ExceptionKind.allCases { a.routing[k] = .planner }
        for k in ExceptionKind.allCases.reversed() { b.routing[k] = .planner }
        a.autoRelease.allow = []; b.autoRelease.allow = []
        for k in ExceptionKind.allCases { a.autoRelease.allow.insert(k) }
        for k in ExceptionKind.allCases.reversed() { b.autoRelease.allow.insert(k) }
        #expect(a == b)
        #expect(a.fingerprint == b.fingerprint)
        // Every entry is listed in order, keys with their values.
        #expect(a.fingerprint.contains("[\(ExceptionKind.allCases.map { String(reflecting: $0) }.sorted().map { "\($0): \(String(reflecting: Role.planner))" }.joined(separator: ", "))]"))

        var c = a
        c.routing[.shortage] = .supervisor
        #expect(c.fingerprint != a.fingerprint)
        var d = a
        d.cost.splitPenalty += 1
        #expect(d.fingerprint != a.fingerprint)
        // Text is quoted: one reason "a, b" is not the two reasons "a" and "b".
        var e = a, f = a
        e.reasons = ["hold": ["a, b"]]; f.reasons = ["hold": ["a", "b"]]
        #expect(e.fingerprint != f.fingerprint)
    }
}
