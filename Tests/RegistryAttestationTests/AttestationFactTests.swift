import Foundation
import RegistryCore
import Testing

@testable import RegistryAttestation

@Suite("Attestation facts")
struct AttestationFactTests {
    typealias F = AttestationFixtures

    @Test func numberIsYearAndSixDigitSequenceAndWidensPastAMillion() throws {
        #expect(try Attestation.number(sequence: 1, year: 2026) == "CDM-VC-2026-000001")
        #expect(try Attestation.number(sequence: 999_999, year: 2026) == "CDM-VC-2026-999999")
        #expect(try Attestation.number(sequence: 1_000_000, year: 2027) == "CDM-VC-2027-1000000")
        #expect(throws: AttestationFactError.badSequence(0)) { try Attestation.number(sequence: 0, year: 2026) }
        #expect(throws: AttestationFactError.badYear(2011)) { try Attestation.number(sequence: 1, year: 2011) }
        #expect(try Attestation.parseNumber("CDM-VC-2026-000042") == (2026, 42))
        for bad in [
            "CDM-VC-2026-42", "CDM-VC-2026-0000042", "CDM-VC-26-000042", "XX-VC-2026-000042", "CDM-VC-2026-00004a",
        ] {
            #expect(throws: AttestationFactError.malformedNumber(bad)) { try Attestation.parseNumber(bad) }
        }
    }

    @Test func quantityAndSummariesAreDerivedFromTheBlocksInTakeOrder() throws {
        let attestation = try F.attestation(blocks: [
            F.block(9_000_001, 9_000_010, type: .tcer, period: .first), F.block(1, 500), F.block(501, 501),
        ])
        #expect(attestation.quantity == 511)
        #expect(attestation.blocks.map(\.serialStart) == [1, 501, 9_000_001])
        #expect(attestation.blocks.map(\.quantity) == [500, 1, 10])
        #expect(attestation.unitTypes == [.cer, .tcer])
        #expect(attestation.commitmentPeriods == [.first, .second])
    }

    @Test func instantsAreKeptToTheWholeSecond() throws {
        let attestation = try F.attestation()
        #expect(attestation.issuedAt == Date(timeIntervalSince1970: 1_795_000_060))
        #expect(attestation.completedAt == F.completedAt)
    }

    @Test func factsThatCannotBeAttestedAreRefusedWithTheirReason() throws {
        #expect(throws: AttestationFactError.noBlocks) { try F.attestation(blocks: []) }
        #expect(throws: AttestationFactError.notCDMUnits(block: "CDM:1-10", unitType: .aau)) {
            try F.attestation(blocks: [F.block(1, 10, type: .aau)])
        }
        #expect(throws: AttestationFactError.blockFromOtherProject(block: "CDM:1-10", blockProject: 99, project: 1234))
        {
            try F.attestation(blocks: [F.block(1, 10, project: 99)])
        }
        #expect(throws: AttestationFactError.overlappingBlocks("CDM:1-10", "CDM:10-20")) {
            try F.attestation(blocks: [F.block(10, 20), F.block(1, 10)])
        }
        let swissBlock = UnitBlock(
            range: try SerialRange(1, 5),
            attributes: UnitAttributes(
                originatingRegistry: "CH", unitType: .cer, originalCommitmentPeriod: .first,
                applicableCommitmentPeriod: .first))
        #expect(throws: AttestationFactError.quantityOverflow) {
            try F.attestation(blocks: [F.block(1, .max), swissBlock])
        }
        #expect(throws: AttestationFactError.emptyText(field: "on behalf of")) { try F.attestation(onBehalfOf: "  ") }
        #expect(throws: AttestationFactError.emptyText(field: "beneficiary")) { try F.attestation(beneficiary: "") }
        #expect(throws: AttestationFactError.controlCharacter(field: "beneficiary")) {
            try F.attestation(beneficiary: "Ville\u{0}de Genève")
        }
        #expect(throws: AttestationFactError.textTooLong(field: "purpose", limit: Attestation.purposeLimit)) {
            try F.attestation(purpose: String(repeating: "x", count: Attestation.purposeLimit + 1))
        }
        // A purpose may run over several lines.
        #expect(try F.attestation(purpose: "Travel 2026\nEvents 2026").purpose == "Travel 2026\nEvents 2026")
    }

    @Test func onlyVoluntaryCancellationAccountsAndCompletedCancellationsAreAttested() throws {
        let holding = try AccountIdentifier(registry: .cdm, type: .partyHolding, id: 1100)
        #expect(throws: AttestationFactError.notVoluntaryCancellationAccount(holding.description)) {
            try Attestation(
                number: "CDM-VC-2026-000001", issuedAt: F.issuedAt, transaction: try TransactionIdentifier("CDM1"),
                completedAt: F.completedAt, blocks: [F.block(1, 10)], project: F.project, hostCountry: "UG",
                onBehalfOf: "A", beneficiary: nil, purpose: nil, cancellationAccount: holding, registryName: "CDM")
        }
        #expect(throws: AttestationFactError.issuedBeforeCompletion) {
            try Attestation(
                number: "CDM-VC-2026-000001", issuedAt: F.completedAt.addingTimeInterval(-1),
                transaction: try TransactionIdentifier("CDM1"), completedAt: F.completedAt, blocks: [F.block(1, 10)],
                project: F.project, hostCountry: "UG", onBehalfOf: "A", beneficiary: nil, purpose: nil,
                cancellationAccount: F.account, registryName: "CDM")
        }
    }

    @Test func instantsOutsideFourDigitYearsOrNotANumberAreRefused() throws {
        let transaction = try TransactionIdentifier("CDM1")
        for instant in [-1, 253_402_300_800, .nan, .infinity] as [TimeInterval] {
            // Caught by hand: an accepted NaN instant would crash the expectation's printing of the value.
            var refusal: AttestationFactError?
            do {
                _ = try Attestation(
                    number: "CDM-VC-2026-000001", issuedAt: F.issuedAt, transaction: transaction,
                    completedAt: Date(timeIntervalSince1970: instant), blocks: [F.block(1, 10)], project: F.project,
                    hostCountry: "UG", onBehalfOf: "A", beneficiary: nil, purpose: nil,
                    cancellationAccount: F.account, registryName: "CDM")
            } catch {
                refusal = error
            }
            #expect(refusal == .timeOutOfRange(field: "completion time"), "\(instant)")
        }
    }

    @Test func projectRecordSuppliesNumberTitleAndHostCountry() throws {
        let record = Project(
            number: 1234, title: "Bujagali Hydropower Project", hostParty: "UG", projectType: "Hydro",
            isLeastDevelopedCountry: true, modalities: [])
        let attestation = try Attestation(
            number: "CDM-VC-2026-000042", issuedAt: F.issuedAt, transaction: try TransactionIdentifier("CDM1000217"),
            completedAt: F.completedAt,
            blocks: [F.block(5_000_001, 5_000_600), F.block(7_100_001, 7_100_400, period: .first)],
            project: record, onBehalfOf: "Example Climate Partners AG", beneficiary: "Ville de Genève",
            purpose: "Offsetting the 2026 staff travel", cancellationAccount: F.account, registryName: "CDM Registry")
        #expect(attestation == (try F.attestation()))
    }
}

@Suite("Attestation canonical JSON")
struct AttestationJSONTests {
    typealias F = AttestationFixtures

    @Test func encodesSortedCompactWithWholeSecondUTCTimesAndDecodesToTheSameAttestation() throws {
        let attestation = try F.attestation(beneficiary: "A <b> & 'c'")
        let json = try AttestationJSON.encode(attestation)
        #expect(json.hasPrefix("{\"beneficiary\":\"A \\u003cb> & 'c'\",\"blocks\":[{\"applicableCommitmentPeriod\":2,"))
        #expect(json.contains("\"completedAt\":\"2026-11-18T11:06:40Z\""))
        #expect(json.contains("\"issuedAt\":\"2026-11-18T11:07:40Z\""))
        #expect(json.contains("\"cancellationAccount\":\"\(F.account.description)\""))
        #expect(!json.contains("<") && !json.contains("\n") && !json.contains(": "))
        let decoded = try AttestationJSON.decode(json)
        #expect(decoded == attestation)
        #expect(try AttestationJSON.encode(decoded) == json)
    }

    @Test func leavesAbsentBeneficiaryAndPurposeOut() throws {
        let json = try AttestationJSON.encode(try F.attestation(beneficiary: nil, purpose: nil))
        #expect(!json.contains("beneficiary") && !json.contains("purpose"))
        #expect(try AttestationJSON.decode(json).beneficiary == nil)
    }

    @Test func refusesDataWhoseTotalsDisagreeWithItsBlocks() throws {
        let json = try AttestationJSON.encode(try F.attestation())
        let wrongTotal = json.replacingOccurrences(of: "\"quantity\":1000,", with: "\"quantity\":1001,")
        #expect(wrongTotal != json)
        #expect(throws: AttestationError.malformedData("at quantity: quantity does not agree with the blocks")) {
            try AttestationJSON.decode(wrongTotal)
        }
        let wrongBlock = json.replacingOccurrences(of: "\"quantity\":600", with: "\"quantity\":601")
        #expect(wrongBlock != json)
        #expect(throws: AttestationError.self) { try AttestationJSON.decode(wrongBlock) }
        let wrongTypes = json.replacingOccurrences(of: "\"unitTypes\":[5]", with: "\"unitTypes\":[5,6]")
        #expect(wrongTypes != json)
        #expect(throws: AttestationError.malformedData("at unitTypes: unitTypes does not agree with the blocks")) {
            try AttestationJSON.decode(wrongTypes)
        }
    }

    @Test func refusesTimesThatAreNotCanonical() throws {
        let json = try AttestationJSON.encode(try F.attestation())
        for variant in ["2026-11-18T11:06:40.000Z", "2026-11-18T12:06:40+01:00", "2026-11-18 11:06:40Z"] {
            let changed = json.replacingOccurrences(of: "2026-11-18T11:06:40Z", with: variant)
            #expect(throws: AttestationError.self) { try AttestationJSON.decode(changed) }
        }
    }

    @Test func canonicalTimeTextRoundTripsAndRefusesImpossibleDates() {
        for seconds in [0, 951_782_400, 1_795_000_000, 253_402_300_799] as [TimeInterval] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(AttestationTime.parse(AttestationTime.iso8601(date)) == date)
        }
        #expect(AttestationTime.iso8601(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
        #expect(AttestationTime.parse("2026-02-30T00:00:00Z") == nil)
        #expect(AttestationTime.parse("2026-13-01T00:00:00Z") == nil)
        #expect(AttestationTime.parse("2026-01-01T24:00:00Z") == nil)
    }
}
