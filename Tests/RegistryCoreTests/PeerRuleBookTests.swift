import Foundation
import Testing

@testable import RegistryCore

/// The shipped rule file, evaluated just before, at and just after every boundary it states.
@Suite struct PeerRuleBookTests {
    let book: PeerRuleBook

    /// deploy/peer-rules.json, found from this file's path (Tests/RegistryCoreTests/ -> repository root).
    static func shippedRuleFile() throws -> Data {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return try Data(contentsOf: root.appendingPathComponent("deploy/peer-rules.json"))
    }

    init() throws { book = try PeerRuleBook(json: Self.shippedRuleFile()) }

    /// Parsed with Foundation's own ISO 8601 parser, independent of the rule file's parser.
    func at(_ text: String) throws -> Date {
        try #require(ISO8601DateFormatter().date(from: text), "test date \(text)")
    }

    func transfer(to registry: RegistryCode, _ periods: [CommitmentPeriod] = [.second], forwarding: Bool = false)
        -> TransactionRequestFacts
    {
        TransactionRequestFacts(
            transactionType: .externalTransfer, acquiringRegistry: registry,
            blocks: periods.map {
                UnitBlockFacts(unitType: .cer, originalCommitmentPeriod: $0, applicableCommitmentPeriod: $0)
            }, isForwarding: forwarding)
    }

    func local(_ type: TransactionType, _ period: CommitmentPeriod, forwarding: Bool = false, voluntary: Bool = false)
        -> TransactionRequestFacts
    {
        TransactionRequestFacts(
            transactionType: type, acquiringRegistry: .cdm,
            blocks: [
                UnitBlockFacts(unitType: .cer, originalCommitmentPeriod: period, applicableCommitmentPeriod: period)
            ],
            isForwarding: forwarding, isVoluntaryCancellation: voluntary)
    }

    func refusingRule(_ request: TransactionRequestFacts, _ time: String) throws -> String? {
        switch book.evaluate(request, at: try at(time)) {
        case .allowed: return nil
        case .refused(let refusal): return refusal.ruleID
        }
    }

    @Test func shippedFileLoadsEveryRuleWithASource() {
        #expect(book.rules.count == 7)
        #expect(book.rules.allSatisfy { !$0.source.isEmpty })
        #expect(book.registryGroups["eu-registries"]?.contains("EU") == true)
        #expect(book.registryGroups["eu-registries"]?.contains("DE") == true)
    }

    @Test func ukRegistryTakesNoTransfersFrom2021() throws {
        #expect(try refusingRule(transfer(to: "GB"), "2020-12-31T23:59:59Z") == nil)
        #expect(try refusingRule(transfer(to: "GB"), "2021-01-01T00:00:00Z") == "GB-KYOTO-REGISTRY-CLOSED-2021")
        #expect(try refusingRule(transfer(to: "GB"), "2021-01-01T00:00:01Z") == "GB-KYOTO-REGISTRY-CLOSED-2021")
        guard case .refused(let refusal) = book.evaluate(transfer(to: "GB"), at: try at("2022-05-01T00:00:00Z")) else {
            Issue.record("GB transfer allowed in 2022")
            return
        }
        #expect(refusal.responseCode == 5904)
        #expect(refusal.message.contains("GB"))
        #expect(refusal.source.contains("UK Kyoto national registry"))
        #expect(try refusingRule(transfer(to: "JP"), "2021-01-01T00:00:00Z") == nil)
    }

    @Test func switzerlandRefusesFirstPeriodUnitsFrom2015AprilThirtieth() throws {
        let rule = "CH-REFUSES-CP1-UNITS"
        #expect(try refusingRule(transfer(to: "CH", [.first]), "2015-04-29T23:59:59+02:00") == nil)
        #expect(try refusingRule(transfer(to: "CH", [.first]), "2015-04-30T00:00:00+02:00") == rule)
        #expect(try refusingRule(transfer(to: "CH", [.first]), "2015-04-29T22:00:00Z") == rule)
        #expect(try refusingRule(transfer(to: "CH", [.first]), "2015-04-30T00:00:01+02:00") == rule)
        #expect(try refusingRule(transfer(to: "CH", [.second]), "2015-04-30T00:00:00+02:00") == nil)
        #expect(try refusingRule(transfer(to: "CH", [.second]), "2019-01-01T00:00:00Z") == nil)
        // One CP1 block in the transfer is enough to refuse it.
        #expect(try refusingRule(transfer(to: "CH", [.second, .first]), "2019-01-01T00:00:00Z") == rule)
        #expect(try refusingRule(transfer(to: "DE", [.first]), "2019-01-01T00:00:00Z") == nil)
        guard
            case .refused(let refusal) = book.evaluate(transfer(to: "CH", [.first]), at: try at("2016-01-01T00:00:00Z"))
        else { return }
        #expect(refusal.responseCode == 5904)
        #expect(refusal.message.contains("CH") && refusal.message.contains("original commitment period CP1"))
    }

    @Test func euRegistriesAreUnreachableDuringTheUnionRegistryMigrationInCEST() throws {
        let rule = "EU-UNION-REGISTRY-MIGRATION-2012"
        for registry: RegistryCode in ["DE", "EU", "GB", "FR"] {
            #expect(try refusingRule(transfer(to: registry), "2012-06-03T09:59:59+02:00") == nil)
            #expect(try refusingRule(transfer(to: registry), "2012-06-03T10:00:00+02:00") == rule)
            #expect(try refusingRule(transfer(to: registry), "2012-06-03T08:00:00Z") == rule)
            #expect(try refusingRule(transfer(to: registry), "2012-06-20T11:59:59+02:00") == rule)
            #expect(try refusingRule(transfer(to: registry), "2012-06-20T12:00:00+02:00") == nil)
            #expect(try refusingRule(transfer(to: registry), "2012-06-20T10:00:00Z") == nil)
        }
        #expect(try refusingRule(transfer(to: "JP"), "2012-06-10T12:00:00+02:00") == nil)
        #expect(try refusingRule(transfer(to: "CH"), "2012-06-10T12:00:00+02:00") == nil)
    }

    @Test func euRegistriesAreReachableOnlyOnceTheITLCITLLinkWasLive() throws {
        let rule = "EU-BEFORE-ITL-CITL-LINK"
        #expect(try refusingRule(transfer(to: "DE", [.first]), "2008-03-01T00:00:00Z") == rule)
        #expect(try refusingRule(transfer(to: "DE", [.first]), "2008-10-15T23:59:59+02:00") == rule)
        #expect(try refusingRule(transfer(to: "DE", [.first]), "2008-10-16T00:00:00+02:00") == nil)
        #expect(try refusingRule(transfer(to: "DE", [.first]), "2008-10-16T00:00:01+02:00") == nil)
        #expect(try refusingRule(transfer(to: "JP", [.first]), "2008-03-01T00:00:00Z") == nil)
    }

    @Test func forwardingWasUnavailableWhileTheITLCITLLinkWasMade() throws {
        let rule = "FORWARDING-SUSPENDED-ITL-CITL-2008"
        let forward = transfer(to: "JP", [.first], forwarding: true)
        #expect(try refusingRule(forward, "2008-10-06T23:59:59+02:00") == nil)
        #expect(try refusingRule(forward, "2008-10-07T00:00:00+02:00") == rule)
        #expect(try refusingRule(forward, "2008-10-15T23:59:59+02:00") == rule)
        #expect(try refusingRule(forward, "2008-10-16T00:00:00+02:00") == nil)
        #expect(try refusingRule(local(.internalTransfer, .first, forwarding: true), "2008-10-10T12:00:00Z") == rule)
        // Issuance continued, and a plain transfer to a non-EU registry was not forwarding.
        #expect(try refusingRule(local(.issuance, .first), "2008-10-10T12:00:00Z") == nil)
        #expect(try refusingRule(transfer(to: "JP", [.first]), "2008-10-10T12:00:00Z") == nil)
    }

    @Test func secondPeriodIssuanceAndForwardingStartOn2013JulyTwelfth() throws {
        let rule = "CP2-CAPABILITIES-FROM-2013-07-12"
        #expect(try refusingRule(local(.issuance, .second), "2013-07-11T23:59:59+02:00") == rule)
        #expect(try refusingRule(local(.issuance, .second), "2013-07-12T00:00:00+02:00") == nil)
        #expect(try refusingRule(local(.issuance, .second), "2013-07-12T00:00:01+02:00") == nil)
        #expect(try refusingRule(local(.issuance, .first), "2013-07-11T23:59:59+02:00") == nil)
        #expect(try refusingRule(transfer(to: "JP", [.second], forwarding: true), "2013-07-11T23:59:59+02:00") == rule)
        #expect(try refusingRule(transfer(to: "JP", [.second], forwarding: true), "2013-07-12T00:00:00+02:00") == nil)
        #expect(try refusingRule(local(.internalTransfer, .second), "2013-07-11T23:59:59+02:00") == nil)
    }

    @Test func voluntaryCancellationStartsOn2012NovemberFifteenth() throws {
        let rule = "VOLUNTARY-CANCELLATION-FROM-2012-11-15"
        let voluntary = local(.cancellation, .first, voluntary: true)
        #expect(try refusingRule(voluntary, "2012-11-14T23:59:59+01:00") == rule)
        #expect(try refusingRule(voluntary, "2012-11-15T00:00:00+01:00") == nil)
        #expect(try refusingRule(voluntary, "2012-11-15T00:00:01+01:00") == nil)
        // Other cancellations (excess issuance into 240) were never covered by this rule.
        #expect(try refusingRule(local(.cancellation, .first), "2012-11-14T23:59:59+01:00") == nil)
    }

    @Test func rulesInForceAtAnInstant() throws {
        let ids = book.rules(effectiveAt: try at("2012-06-10T00:00:00Z")).map(\.id)
        #expect(
            ids == [
                "EU-UNION-REGISTRY-MIGRATION-2012", "VOLUNTARY-CANCELLATION-FROM-2012-11-15",
                "CP2-CAPABILITIES-FROM-2013-07-12",
            ])
    }

    @Test func factsFromUnitBlocksCarryTheirPeriods() throws {
        let block = UnitBlock(
            range: try SerialRange(1, 10),
            attributes: UnitAttributes(
                originatingRegistry: "CDM", unitType: .cer, originalCommitmentPeriod: .first,
                applicableCommitmentPeriod: .first))
        let facts = TransactionRequestFacts(
            transactionType: .externalTransfer, acquiringRegistry: "CH", unitBlocks: [block])
        #expect(try refusingRule(facts, "2016-01-01T00:00:00Z") == "CH-REFUSES-CP1-UNITS")
    }
}
