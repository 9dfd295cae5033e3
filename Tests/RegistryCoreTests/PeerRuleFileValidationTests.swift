import Foundation
import Testing

@testable import RegistryCore

/// Malformed rule files are refused as a whole, with an error naming the rule and the field.
@Suite struct PeerRuleFileValidationTests {
    /// A valid one-rule file; each test changes one thing in it.
    static let validRule = """
        {"id": "R1", "kind": "refusesUnits", "registries": ["CH"], "units": {"originalCommitmentPeriods": [1]},
         "from": "2015-04-30T00:00:00+02:00", "until": "2030-01-01T00:00:00Z", "responseCode": 5904,
         "source": "test decision"}
        """

    static func file(_ rules: String, groups: String = "[]") -> Data {
        Data(#"{"registryGroups": \#(groups), "rules": [\#(rules)]}"#.utf8)
    }

    static func rule(_ replacing: String, with replacement: String) -> Data {
        precondition(validRule.contains(replacing), "test rule has no \(replacing)")
        return file(validRule.replacingOccurrences(of: replacing, with: replacement))
    }

    func failure(_ data: Data) -> PeerRuleBookError? {
        do {
            _ = try PeerRuleBook(json: data)
            return nil
        } catch { return error }
    }

    @Test func validRuleLoads() throws {
        let book = try PeerRuleBook(json: Self.file(Self.validRule))
        #expect(book.rules.map(\.id) == ["R1"])
        #expect(book.rules.first?.responseCode == 5904)
    }

    @Test func notJSONIsAFileLevelError() throws {
        let error = try #require(failure(Data("{\"rules\": [".utf8)))
        #expect(error.ruleID == nil && error.location == "file")
        guard case .notJSON = error.problem else {
            Issue.record("expected notJSON, got \(error)")
            return
        }
    }

    @Test func missingRulesArrayIsNamed() throws {
        let error = try #require(failure(Data("{}".utf8)))
        #expect(error.field == "rules" && error.problem == .missingField)
    }

    @Test func unknownKindNamesTheRuleAndField() throws {
        let error = try #require(failure(Self.rule(#""kind": "refusesUnits""#, with: #""kind": "refusesAll""#)))
        #expect(
            error
                == PeerRuleBookError(
                    ruleID: "R1", location: "rule 'R1'", field: "kind",
                    problem: .unknownKind("refusesAll")))
        #expect(error.description.contains("rule 'R1' field 'kind'"))
    }

    @Test(arguments: [
        "2015-04-30T00:00:00", "2015-04-30", "2021-02-30T00:00:00Z", "2015-04-30T24:00:00Z",
        "2015-04-30T00:00:00+2:00", "30.04.2015 00:00", "2015-04-30T00:00:00.5Z",
    ])
    func badDateNamesTheRuleAndField(text: String) throws {
        let error = try #require(failure(Self.rule("2015-04-30T00:00:00+02:00", with: text)))
        #expect(error == PeerRuleBookError(ruleID: "R1", location: "rule 'R1'", field: "from", problem: .badDate(text)))
    }

    @Test func dateOfTheWrongTypeIsNamed() throws {
        let error = try #require(failure(Self.rule(#""2030-01-01T00:00:00Z""#, with: "2030")))
        #expect(error.ruleID == "R1" && error.field == "until")
        #expect(error.problem == .wrongType(expected: "a date-time string", found: "a number"))
    }

    @Test(arguments: ["2015-04-29T23:59:59+02:00", "2015-04-30T00:00:00+02:00", "2015-04-29T22:00:00Z"])
    func fromNotBeforeUntilIsRefused(until: String) throws {
        let error = try #require(failure(Self.rule("2030-01-01T00:00:00Z", with: until)))
        #expect(
            error
                == PeerRuleBookError(
                    ruleID: "R1", location: "rule 'R1'", field: "from",
                    problem: .fromNotBeforeUntil(from: "2015-04-30T00:00:00+02:00", until: until)))
    }

    @Test func misspelledFieldIsRefusedRatherThanIgnored() throws {
        let error = try #require(failure(Self.rule(#""until""#, with: #""untill""#)))
        #expect(
            error == PeerRuleBookError(ruleID: "R1", location: "rule 'R1'", field: "untill", problem: .unknownField))
    }

    @Test func missingOrEmptySourceIsRefused() throws {
        let missing = try #require(failure(Self.rule(#""source": "test decision""#, with: #""note": "x""#)))
        #expect(missing.field == "source" && missing.problem == .missingField)
        let empty = try #require(failure(Self.rule(#""test decision""#, with: #"" ""#)))
        #expect(empty.field == "source" && empty.problem == .empty)
    }

    @Test func missingIDNamesThePosition() throws {
        let error = try #require(failure(Self.rule(#""id": "R1", "#, with: "")))
        #expect(error.ruleID == nil && error.location == "rules[0]" && error.field == "id")
        #expect(error.problem == .missingField)
    }

    @Test func duplicateIDIsRefused() throws {
        let error = try #require(failure(Self.file(Self.validRule + "," + Self.validRule)))
        #expect(error.ruleID == "R1" && error.field == "id" && error.problem == .duplicateID)
    }

    @Test func unknownRegistryOrGroupIsRefused() throws {
        let error = try #require(failure(Self.rule(#"["CH"]"#, with: #"["eu-registries"]"#)))
        #expect(error.field == "registries" && error.problem == .unknownRegistry("eu-registries"))
        let wrongType = try #require(failure(Self.rule(#"["CH"]"#, with: #""CH""#)))
        #expect(wrongType.problem == .wrongType(expected: "an array", found: "a string"))
    }

    @Test func registryGroupsResolveAndMayNotLookLikeCodes() throws {
        let group = #"[{"name": "alps", "registries": ["CH", "LI", "AT"], "source": "test"}]"#
        let rule = Self.validRule.replacingOccurrences(of: #"["CH"]"#, with: #"["alps"]"#)
        let book = try PeerRuleBook(json: Self.file(rule, groups: group))
        #expect(book.registryGroups["alps"] == ["CH", "LI", "AT"])
        let badName = #"[{"name": "EU", "registries": ["DE"], "source": "test"}]"#
        let error = try #require(failure(Self.file(Self.validRule, groups: badName)))
        #expect(error.location == "registry group 'EU'" && error.field == "name")
        let badCode = #"[{"name": "alps", "registries": ["Ch"], "source": "test"}]"#
        #expect(
            try #require(failure(Self.file(Self.validRule, groups: badCode))).problem
                == .badValue("Ch", expected: "a registry code"))
    }

    @Test func unitsAreRequiredForRefusesUnitsAndValidated() throws {
        let missing = try #require(failure(Self.rule(#""units": {"originalCommitmentPeriods": [1]},"#, with: "")))
        #expect(missing.field == "units" && missing.problem == .requiredForKind(.refusesUnits))
        let badPeriod = try #require(
            failure(
                Self.rule(
                    #""originalCommitmentPeriods": [1]"#,
                    with: #""originalCommitmentPeriods": [3]"#)))
        #expect(badPeriod.field == "units.originalCommitmentPeriods")
        #expect(badPeriod.problem == .badValue("3", expected: "a commitment period (0, 1, 2)"))
        let unknown = try #require(failure(Self.rule(#""originalCommitmentPeriods""#, with: #""periods""#)))
        #expect(unknown.field == "units.periods" && unknown.problem == .unknownField)
    }

    @Test func capabilitiesBelongOnlyToCapabilityRules() throws {
        let misplaced = try #require(
            failure(Self.rule(#""registries""#, with: #""capabilities": ["issuance"], "registries""#)))
        #expect(misplaced.field == "capabilities" && misplaced.problem == .notAllowedForKind(.refusesUnits))
        let capability = """
            {"id": "C1", "kind": "capabilityUnavailable", "registries": ["*"], "capabilities": ["teleportation"],
             "source": "test"}
            """
        let unknown = try #require(failure(Self.file(capability)))
        #expect(unknown.ruleID == "C1" && unknown.problem == .unknownCapability("teleportation"))
        let none = try #require(
            failure(Self.file(capability.replacingOccurrences(of: #"["teleportation"]"#, with: "[]"))))
        #expect(none.field == "capabilities" && none.problem == .empty)
    }

    @Test func responseCodeMustBeAFourDigitDESCode() throws {
        let error = try #require(failure(Self.rule("5904", with: "42")))
        #expect(error.field == "responseCode")
        #expect(error.problem == .badValue("42", expected: "a four-digit DES response code"))
        let fraction = try #require(failure(Self.rule("5904", with: "5904.5")))
        #expect(fraction.problem == .wrongType(expected: "an integer", found: "a number"))
    }
}
