import Foundation
import RegistryCore

@testable import DES

/// Sample messages of every DES operation: one with every optional field present, one with none.
enum DESSamples {
    static let when = Date(timeIntervalSince1970: 1_764_310_410 + 0.123)
    static let later = Date(timeIntervalSince1970: 1_764_400_000)

    static func unitBlock(_ start: Int64, _ end: Int64, full: Bool) throws -> DESTransactionUnitBlock {
        var attributes = UnitAttributes(
            originatingRegistry: .cdm, unitType: full ? .tcer : .cer, originalCommitmentPeriod: .second,
            applicableCommitmentPeriod: .second)
        guard full else {
            return DESTransactionUnitBlock(block: UnitBlock(range: try SerialRange(start, end), attributes: attributes))
        }
        attributes.supplementaryUnitType = 0
        attributes.lulucfActivity = 3
        attributes.project = 1234
        attributes.track = 1
        attributes.expiryDate = try CalendarDate(year: 2030, month: 12, day: 31)
        return DESTransactionUnitBlock(
            block: UnitBlock(range: try SerialRange(start, end), attributes: attributes), blockRole: "T & <role>",
            transferringAccountType: .partyHolding, transferringAccountIdentifier: 7,
            acquiringAccountType: .entityHolding, acquiringAccountIdentifier: 8, yearInCommitmentPeriod: 2015,
            installationIdentifier: Int64.max)
    }

    static func identifier() throws -> DESUnitBlockIdentifier {
        DESUnitBlockIdentifier(range: try SerialRange(5, 9), originatingRegistry: "JP")
    }

    static func proposal(full: Bool, blocks: Int = 2) throws -> AcceptProposalRequest {
        let unitBlocks = try (0..<blocks).map { index in
            try unitBlock(Int64(index) * 10_000 + 1, Int64(index) * 10_000 + 1000, full: full && index == 0)
        }
        let transaction = DESProposalTransaction(
            transactionIdentifier: try TransactionIdentifier("CDM1000001"), transactionType: .externalTransfer,
            suppTransactionType: full ? 0 : nil, transferringRegistryCode: .cdm,
            transferringRegistryAccountType: full ? .pending : nil,
            transferringRegistryAccountIdentifier: full ? 1 : nil,
            acquiringRegistryCode: "JP", acquiringRegistryAccountType: full ? .partyHolding : nil,
            acquiringRegistryAccountIdentifier: full ? 1234 : nil, notificationIdentifier: full ? 77 : nil,
            proposalUnitBlocks: unitBlocks)
        return AcceptProposalRequest(
            from: .cdm, to: .itl, majorVersion: 1, minorVersion: 1, proposedTransaction: transaction)
    }

    /// Every request type, with all optional fields present (`full`) or absent.
    static func requests(full: Bool) throws -> [any DESRequestMessage] {
        let codes: [DESResponseCode]? = full ? [DESResponseCode(1), .unsupportedVersion] : nil
        let date = try CalendarDate(year: 2027, month: 6, day: 30)
        return [
            try proposal(full: full),
            AcceptNotificationRequest(
                from: .itl, to: .cdm, majorVersion: 1, minorVersion: 1,
                transactionIdentifier: try TransactionIdentifier("CDM1000001"), transactionStatus: .rejected,
                partyType: 1,
                evaluationResult: [
                    DESEvaluationResult(responseCode: .accountDoesNotExist),
                    DESEvaluationResult(
                        responseCode: DESResponseCode(4010), unitBlockIdentifiers: full ? [try identifier()] : nil),
                ]),
            AcceptMessageRequest(
                from: .itl, to: .cdm, majorVersion: 1, minorVersion: 1,
                messageContent: full ? "Maintenance <Saturday> & \"Sunday\"\r\n\tdone" : "", messageDateTime: when),
            AcceptITLNoticeRequest(
                from: .itl, to: .cdm, majorVersion: 1, minorVersion: 1, messageContent: "tCER expiry",
                messageDate: when, notificationType: 3, notificationIdentifier: 4242, notificationStatus: 1,
                projectNumber: full ? "0001" : nil, unitType: full ? .tcer : nil, targetValue: full ? 500 : nil,
                targetDate: full ? date : nil, lulucfActivity: full ? 2 : nil, commitPeriod: full ? .second : nil,
                actionDueDate: full ? date : nil, unitBlockIdentifiers: full ? [try identifier()] : nil),
            ProvideTimeRequest(from: .itl, to: .cdm, majorVersion: 1, minorVersion: 1, itlSystemTime: when),
            InitiateReconciliationRequest(
                from: .itl, to: .cdm, majorVersion: 1, minorVersion: 1, reconciliationIdentifier: "R-2026-11",
                snapshotDateTime: later),
            ProvideTotalsRequest(
                from: .itl, to: .cdm, majorVersion: 1, minorVersion: 1, reconciliationIdentifier: "R-2026-11",
                reconciliationSnapshotDateTime: later, reconciliationStatus: 1, unitType: full ? .cer : nil,
                suppUnitType: full ? 0 : nil, accountCommitPeriod: full ? .first : nil,
                accountType: full ? .partyHolding : nil, byAccountFlag: full ? 1 : nil, responseCodes: codes),
            ProvideUnitBlocksRequest(
                from: .itl, to: .cdm, majorVersion: 1, minorVersion: 1, reconciliationIdentifier: "R-2026-11",
                reconciliationSnapshotDateTime: later,
                unitBlockRequests: full
                    ? [
                        DESUnitBlockRequest(
                            unitType: .cer, suppUnitType: 0, accountCommitPeriod: .second, accountType: .partyHolding,
                            accountIdentifier: 3),
                        DESUnitBlockRequest(),
                    ] : [],
                responseCodes: codes),
            ProvideAuditTrailRequest(
                from: .itl, to: .cdm, majorVersion: 1, minorVersion: 1, reconciliationIdentifier: "R-2026-11",
                auditTrailBeginDateTime: when, auditTrailEndDateTime: later, accountType: full ? .partyHolding : nil,
                accountIdentifier: full ? 5 : nil, accountCommitPeriod: full ? .second : nil,
                unitType: full ? .cer : nil, suppUnitType: full ? 0 : nil,
                unitBlockIdentifiers: full ? [try identifier()] : nil, responseCodes: codes),
            ReceiveReconciliationResultRequest(
                from: .itl, to: .cdm, majorVersion: 1, minorVersion: 1, reconciliationIdentifier: "R-2026-11",
                reconciliationStatus: 5, responseCodes: codes),
            GetTransactionStatusRequest(
                from: .cdm, to: .itl, majorVersion: 1, minorVersion: 1,
                transactionIdentifier: try TransactionIdentifier("CDM1000001")),
            ReceiveAuditTrailRequest(
                from: .cdm, to: .itl, majorVersion: 1, minorVersion: 1, reconciliationIdentifier: "R-2026-11",
                transactions: [
                    DESAuditTransaction(
                        transactionIdentifier: try TransactionIdentifier("CDM1000001"),
                        transactionType: .externalTransfer,
                        suppTransactionType: full ? 0 : nil, transactionStatusDateTime: when,
                        transferringRegistryCode: .cdm, transferringRegistryAccountType: full ? .pending : nil,
                        transferringRegistryAccountIdentifier: full ? 1 : nil, acquiringRegistryCode: "JP",
                        acquiringRegistryAccountType: full ? .partyHolding : nil,
                        acquiringRegistryAccountIdentifier: full ? 2 : nil, notificationIdentifier: full ? 3 : nil,
                        transactionBlocks: [try unitBlock(1, 10, full: full)])
                ]),
            ReceiveTotalsRequest(
                from: .cdm, to: .itl, majorVersion: 1, minorVersion: 1, reconciliationIdentifier: "R-2026-11",
                totals: [
                    DESTotal(
                        accountType: .partyHolding, accountIdentifier: full ? 5 : nil, accountCommitPeriod: .second,
                        unitType: .cer, suppUnitType: full ? 0 : nil, unitCount: 1500),
                    DESTotal(accountType: .retirement, accountCommitPeriod: .first, unitType: .cer, unitCount: 0),
                ]),
            ReceiveUnitBlocksRequest(
                from: .cdm, to: .itl, majorVersion: 1, minorVersion: 1, reconciliationIdentifier: "R-2026-11",
                unitBlocks: [
                    DESHeldUnitBlock(
                        range: try SerialRange(1, 10), originatingRegistry: .cdm, unitType: .cer,
                        supplementaryUnitType: full ? 0 : nil, accountType: .partyHolding,
                        accountIdentifier: full ? 5 : nil, applicableCommitmentPeriod: .second)
                ]),
        ]
    }

    /// Every response type.
    static func responses(full: Bool) throws -> [any DESMessage] {
        let result = full ? DESResult.refused([.unsupportedVersion, .wrongRecipient]) : .received
        return [
            AcceptProposalResponse(result: result), AcceptNotificationResponse(result: result),
            AcceptMessageResponse(result: result), AcceptITLNoticeResponse(result: result),
            ProvideTimeResponse(
                systemTime: when, resultIdentifier: 1, responseCodes: full ? [DESResponseCode(7)] : nil),
            InitiateReconciliationResponse(result: result), ProvideTotalsResponse(result: result),
            ProvideUnitBlocksResponse(result: result), ProvideAuditTrailResponse(result: result),
            ReceiveReconciliationResultResponse(result: result),
            GetTransactionStatusResponse(
                transactionIdentifier: try TransactionIdentifier("CDM1000001"), transactionStatus: .completed,
                transactionStatusDateTime: later, resultIdentifier: 1,
                responseCodes: full ? [DESResponseCode(9)] : nil),
            ReceiveAuditTrailResponse(result: result), ReceiveTotalsResponse(result: result),
            ReceiveUnitBlocksResponse(result: result),
        ]
    }

    /// The package root (for schemas/des) and the corpus directory, found from this file.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")

    static func corpusFile(_ relativePath: String) throws -> [UInt8] {
        Array(try Data(contentsOf: corpus.appendingPathComponent(relativePath)))
    }
}

/// Decodes `message` as its own type after encoding it (generic, so it opens any existential message).
func roundTrip<M: DESMessage>(_ message: M) throws(DESError) -> M {
    try DESCodec.decode(M.self, from: DESCodec.encode(message))
}

func isEqual<M: DESMessage>(_ message: M, _ other: any DESMessage) -> Bool {
    (other as? M) == message
}
