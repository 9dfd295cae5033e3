import Foundation
import Testing

@testable import RegistryCore

/// Rule boundaries are instants written with a time zone; the same instant in two zones compares equal.
@Suite struct PeerRuleInstantTests {
    @Test func offsetsAreAppliedAsFoundationDoes() throws {
        for text in [
            "2012-06-03T10:00:00+02:00", "2012-06-20T12:00:00+02:00", "2021-01-01T00:00:00Z",
            "1970-01-01T00:00:00Z", "2000-02-29T23:59:59-05:30", "2100-03-01T00:00:00+14:00",
        ] {
            let ours = try #require(RuleInstant(parsing: text))
            let foundation = try #require(ISO8601DateFormatter().date(from: text))
            #expect(ours.date == foundation, "\(text)")
            #expect(ours.description == text)
        }
    }

    @Test func sameInstantInTwoZones() throws {
        let cest = try #require(RuleInstant(parsing: "2012-06-03T10:00:00+02:00"))
        let utc = try #require(RuleInstant(parsing: "2012-06-03T08:00:00Z"))
        #expect(cest.date == utc.date)
    }

    @Test func intervalIsHalfOpen() throws {
        let from = try #require(RuleInstant(parsing: "2012-06-03T10:00:00+02:00"))
        let until = try #require(RuleInstant(parsing: "2012-06-20T12:00:00+02:00"))
        let interval = try #require(EffectiveInterval(from: from, until: until))
        #expect(!interval.contains(from.date.addingTimeInterval(-1)))
        #expect(interval.contains(from.date))
        #expect(interval.contains(until.date.addingTimeInterval(-1)))
        #expect(!interval.contains(until.date))
        #expect(EffectiveInterval(from: until, until: from) == nil)
        #expect(EffectiveInterval(from: from, until: from) == nil)
        #expect(EffectiveInterval(from: nil, until: nil)?.contains(Date(timeIntervalSince1970: 0)) == true)
    }

    @Test(arguments: [
        "", "2012-06-03T10:00:00", "2012-06-03 10:00:00Z", "2012-13-03T10:00:00Z", "2013-02-29T10:00:00Z",
        "2012-06-03T10:60:00Z", "2012-06-03T10:00:00+15:00", "2012-06-03T10:00:00+02", "+012-06-03T10:00:00Z",
    ])
    func malformedInstantsAreRefused(text: String) {
        #expect(RuleInstant(parsing: text) == nil)
    }
}
