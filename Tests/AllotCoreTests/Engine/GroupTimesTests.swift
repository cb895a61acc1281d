import Dispatch
import Foundation
import Testing
@testable import AllotCore

/// The time of each part of solving the groups, as `allot bench plan` prints it (`Engine.plan(…groupTimes:)`).
@Suite("Time of each part of solving the groups")
struct GroupTimesTests {
    @Test("timing the parts changes no plan; each part gets time, together no more than the cores had, before the step ends")
    func timesEveryPart() throws {
        let (index, policy) = try SplitInstancesTests.inputs()
        let params = SplitInstancesTests.params
        var times: GroupTimes?
        var events: [String] = []
        let start = DispatchTime.now().uptimeNanoseconds
        let timed = Engine.plan(index: index, policy: policy, asOf: params.today, stepDone: { events.append($0) },
                                groupTimes: { times = $0; events.append("group times") })
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        #expect(timed == Engine.plan(index: index, policy: policy, asOf: params.today))
        #expect(events.prefix(2) == ["group times", "solve groups"], "\(events)")
        let t = try #require(times)
        for part in GroupTimes.Part.allCases { #expect(t.seconds(part) > 0, "\(part.name)") }
        let total = GroupTimes.Part.allCases.reduce(0) { $0 + t.seconds($1) }
        #expect(total <= wall * Double(ProcessInfo.processInfo.activeProcessorCount) + 0.01, "\(total) s of \(wall) s")
        #expect(Set(GroupTimes.Part.allCases.map(\.name)).count == GroupTimes.Part.allCases.count)
    }
}
