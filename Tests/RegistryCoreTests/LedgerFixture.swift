import Foundation
import Testing

@testable import RegistryCore

/// A CDM registry ledger with two holding accounts and two projects (one in a least developed country).
struct LedgerFixture {
    static let time = Date(timeIntervalSince1970: 1_600_000_000)
    static let holder = try! AccountIdentifier(registry: .cdm, type: .partyHolding, id: 5001)
    static let other = try! AccountIdentifier(registry: .cdm, type: .partyHolding, id: 5002)
    static let voluntary = AccountIdentifier.cdmTerminal(.voluntaryCancellation, period: .second)
    static let excess = AccountIdentifier.cdmTerminal(.excessIssuanceCancellation, period: .second)
    static let participant: ParticipantIdentifier = "pp:andes"
    static let windProject = 1001
    static let ldcProject = 2002

    var ledger: Ledger

    init() throws {
        ledger = try Ledger.cdmRegistry(openedAt: Self.time)
        try ledger.perform(
            .openAccount(Account(identifier: Self.holder, name: "Andes Wind", kind: .permanentHolding)), at: Self.time)
        try ledger.perform(
            .openAccount(Account(identifier: Self.other, name: "Buyer", kind: .permanentHolding)), at: Self.time)
        try ledger.perform(
            .registerProject(
                Project(
                    number: Self.windProject, title: "Andes Wind", hostParty: "CL", projectType: "Wind",
                    isLeastDevelopedCountry: false, modalities: [Self.participant])), at: Self.time)
        try ledger.perform(
            .registerProject(
                Project(
                    number: Self.ldcProject, title: "Sahel Solar", hostParty: "ML", projectType: "Solar",
                    isLeastDevelopedCountry: true, modalities: [Self.participant])), at: Self.time)
    }

    static func order(
        project: Int = windProject, number: Int = 1, start: Int64, count: Int64, type: UnitType = .cer,
        due: Int64 = 0
    ) throws -> IssuanceOrder {
        IssuanceOrder(
            issuance: IssuanceIdentifier(project: project, number: number), unitType: type,
            serials: try SerialRange(start: start, count: count), originalCommitmentPeriod: .second,
            monitoringPeriodStart: try CalendarDate(parsing: "2019-01-01"),
            monitoringPeriodEnd: try CalendarDate(parsing: "2019-12-31"),
            expiryDate: type.isTemporary ? try CalendarDate(parsing: "2030-12-31") : nil,
            lulucfActivity: type.isTemporary ? 1 : nil, sopAdminDue: due)
    }

    /// Issues and returns the record.
    @discardableResult
    mutating func issue(
        project: Int = windProject, number: Int = 1, start: Int64, count: Int64, type: UnitType = .cer,
        due: Int64 = 0
    ) throws -> IssuanceRecord {
        let order = try Self.order(project: project, number: number, start: start, count: count, type: type, due: due)
        try ledger.perform(.issue(order), at: Self.time)
        return try #require(ledger.issuance(order.issuance))
    }

    mutating func forward(_ quantity: Int64, of issuance: IssuanceIdentifier, to account: AccountIdentifier = holder)
        throws
    {
        try ledger.perform(
            .forward(ForwardOrder(issuance: issuance, to: account, quantity: quantity, instructedBy: Self.participant)),
            at: Self.time)
    }

    /// The command fails with exactly `error` and the ledger is unchanged.
    mutating func expectRefusal(
        _ command: LedgerCommand, _ error: LedgerError, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let before = ledger
        #expect(throws: error, sourceLocation: sourceLocation) { try ledger.perform(command, at: Self.time) }
        #expect(ledger == before, "a refused \(command.operation) changed the ledger", sourceLocation: sourceLocation)
        #expect(ledger.verify().isEmpty, sourceLocation: sourceLocation)
    }

    /// The ranges of the blocks in an account, in take order.
    func ranges(in account: AccountIdentifier) -> [SerialRange] { ledger.blocks(in: account).map(\.range) }
}
