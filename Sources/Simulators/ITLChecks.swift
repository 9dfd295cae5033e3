import DES
import Foundation
import RegistryCore

/// The ITL simulator's checks, and the list each transaction type runs, in DES order.
///
/// Response codes (DOMAIN.md "ITL checks" gives the ranges; the numbers inside them are this simulator's choice,
/// since the DES annex tables are not in `../des/`):
///
/// | code | phase | check |
/// |---|---|---|
/// | 1001 | version and authentication | majorVersion/minorVersion is not 1.1 |
/// | 1002 | version and authentication | `from` is not the registry of the client certificate |
/// | 1003 | version and authentication | `to` is not `ITL` |
/// | 5001 | message viability | transaction identifier does not start with the proposing registry's code |
/// | 5002 | message viability | transaction identifier already in the ITL log |
/// | 5003 | registry | acquiring registry unknown to the ITL |
/// | 5004 | registry | acquiring registry not operational |
/// | 5005 | registry | transferring (proposing) registry not operational |
/// | 5006 | (relay) | notification or status request for a transaction not in the log, or from a non-party |
/// | 5007 | (relay) | notification with a status the transaction's state does not expect |
/// | 4003 | data integrity | no unit blocks |
/// | 4004 | data integrity | two proposed blocks share a serial |
/// | 4005 | data integrity | unit type impossible for the originating registry (CER/tCER/lCER only from CDM) |
/// | 4006 | data integrity | applicable commitment period before the original one |
/// | 4007 | data integrity | tCER/lCER without expiry date |
/// | 4008 | data integrity | transferring registry code is not the proposing registry |
/// | 4009 | data integrity | transaction type not checked by the ITL simulator (internal transfer, or not modelled) |
/// | 5101 | issuance | serials overlap units already issued by the originating registry |
/// | 5102 | issuance | originating registry is not the issuing registry |
/// | 5201 | transfer, cancellation | units not (wholly) held by the transferring registry in the ITL record |
/// | 5202 | all | units (or, for issuance, serials) reserved by another transaction in flight |
/// | 5203 | transfer, cancellation | unit type or commitment periods differ from the ITL record |
/// | 5204 | transfer, cancellation | units already cancelled or retired |
/// | 5301 | all | acquiring account type not allowed for the transaction type |
/// | 5302 | all | acquiring registry inconsistent with the type (same registry for a transfer, another for a
///   cancellation or issuance) |
public enum ITLChecks {
    /// The DES version the ITL speaks (1.1).
    public static let majorVersion = 1
    public static let minorVersion = 1

    // MARK: Version and authentication

    public static let version = ITLCheck.message(
        "DES version is 1.1", .versionAndAuthentication, .unsupportedVersion
    ) { $0.proposal.majorVersion == majorVersion && $0.proposal.minorVersion == minorVersion }

    public static let senderAuthenticated = ITLCheck.message(
        "sender matches its certificate", .versionAndAuthentication, .senderMismatch
    ) { $0.authenticatedSender == $0.proposal.from }

    public static let addressedToITL = ITLCheck.message(
        "message addressed to the ITL", .versionAndAuthentication, .wrongRecipient
    ) { $0.proposal.to == .itl }

    // MARK: Message viability

    public static let identifierOfProposer = ITLCheck.message(
        "transaction identifier starts with the proposing registry", .messageViability, DESResponseCode(5001)
    ) { $0.transaction.transactionIdentifier.registry == $0.proposal.from }

    public static let identifierUnused = ITLCheck.message(
        "transaction identifier not used before", .messageViability, DESResponseCode(5002)
    ) { !$0.identifierAlreadyLogged }

    // MARK: Registry checks

    public static let acquiringRegistryKnown = ITLCheck.message(
        "acquiring registry known", .registry, DESResponseCode(5003)
    ) { $0.registries[$0.transaction.acquiringRegistryCode] != nil }

    public static let acquiringRegistryOperational = ITLCheck.message(
        "acquiring registry operational", .registry, DESResponseCode(5004)
    ) { $0.registries[$0.transaction.acquiringRegistryCode] != .notOperational }

    public static let transferringRegistryOperational = ITLCheck.message(
        "transferring registry operational", .registry, DESResponseCode(5005)
    ) { $0.registries[$0.proposal.from] == .operational }

    // MARK: Data integrity

    public static let hasBlocks = ITLCheck.message(
        "transaction has unit blocks", .dataIntegrity, DESResponseCode(4003)
    ) { !$0.transaction.proposalUnitBlocks.isEmpty }

    public static let blocksDisjoint = ITLCheck.perBlock(
        "proposed blocks do not overlap each other", .dataIntegrity, DESResponseCode(4004)
    ) { candidate, context in
        context.blocks.filter {
            $0.originatingRegistry == candidate.block.originatingRegistry && $0.range.overlaps(candidate.block.range)
        }.count > 1
    }

    public static let unitTypeMatchesOrigin = ITLCheck.perBlock(
        "unit type possible for the originating registry", .dataIntegrity, DESResponseCode(4005)
    ) { candidate, _ in
        candidate.block.attributes.unitType.isCDMUnit != (candidate.block.originatingRegistry == .cdm)
    }

    public static let commitmentPeriodsOrdered = ITLCheck.perBlock(
        "applicable commitment period not before the original", .dataIntegrity, DESResponseCode(4006)
    ) { candidate, _ in
        candidate.block.attributes.applicableCommitmentPeriod < candidate.block.attributes.originalCommitmentPeriod
    }

    public static let temporaryUnitsExpire = ITLCheck.perBlock(
        "tCERs and lCERs carry an expiry date", .dataIntegrity, DESResponseCode(4007)
    ) { candidate, _ in
        candidate.block.attributes.unitType.isTemporary && candidate.block.attributes.expiryDate == nil
    }

    public static let transferringIsProposer = ITLCheck.message(
        "transferring registry is the proposing registry", .dataIntegrity, DESResponseCode(4008)
    ) { $0.transaction.transferringRegistryCode == $0.proposal.from }

    public static let typeChecked = ITLCheck.message(
        "transaction type checked by the ITL", .dataIntegrity, DESResponseCode(4009)
    ) { supportedTypes.contains($0.transaction.transactionType) }

    // MARK: Type-specific

    public static let issuanceSerialsFresh = ITLCheck.perBlock(
        "issued serials overlap nothing issued before", .typeSpecific, DESResponseCode(5101)
    ) { candidate, context in
        context.recordedHoldings.contains {
            $0.block.originatingRegistry == candidate.block.originatingRegistry
                && $0.block.range.overlaps(candidate.block.range)
        }
    }

    public static let issuerIsOrigin = ITLCheck.perBlock(
        "issued units originate in the issuing registry", .typeSpecific, DESResponseCode(5102)
    ) { candidate, context in candidate.block.originatingRegistry != context.proposal.from }

    public static let unitsHeldByTransferring = ITLCheck.perBlock(
        "units held by the transferring registry", .typeSpecific, DESResponseCode(5201)
    ) { candidate, context in
        let held = context.recordedHoldings.filter {
            $0.block.originatingRegistry == candidate.block.originatingRegistry
                && $0.holder == context.transaction.transferringRegistryCode
        }
        let covered = held.reduce(Int64(0)) { $0 + ($1.block.range.intersection(candidate.block.range)?.count ?? 0) }
        return covered != candidate.block.quantity
    }

    public static let unitsNotReserved = ITLCheck.perBlock(
        "units not reserved by another transaction", .typeSpecific, DESResponseCode(5202)
    ) { candidate, context in
        context.openTransactions.contains { open in
            open.identifier != context.transaction.transactionIdentifier && open.reservesUnits
                && open.blocks.contains {
                    $0.originatingRegistry == candidate.block.originatingRegistry
                        && $0.range.overlaps(candidate.block.range)
                }
        }
    }

    public static let attributesMatchRecord = ITLCheck.perBlock(
        "unit type and commitment periods as recorded", .typeSpecific, DESResponseCode(5203)
    ) { candidate, context in
        let proposed = candidate.block.attributes
        return context.recordedHoldings.contains {
            $0.block.originatingRegistry == candidate.block.originatingRegistry
                && $0.block.range.overlaps(candidate.block.range)
                && ($0.block.attributes.unitType != proposed.unitType
                    || $0.block.attributes.originalCommitmentPeriod != proposed.originalCommitmentPeriod
                    || $0.block.attributes.applicableCommitmentPeriod != proposed.applicableCommitmentPeriod)
        }
    }

    public static let unitsNotCancelled = ITLCheck.perBlock(
        "units not already cancelled or retired", .typeSpecific, DESResponseCode(5204)
    ) { candidate, context in
        context.recordedHoldings.contains {
            $0.isCancelled && $0.block.originatingRegistry == candidate.block.originatingRegistry
                && $0.block.range.overlaps(candidate.block.range)
        }
    }

    public static let acquiringAccountTypeAllowed = ITLCheck.perBlock(
        "acquiring account type allowed for the transaction type", .typeSpecific, DESResponseCode(5301)
    ) { candidate, context in
        let type = candidate.acquiringAccountType ?? context.transaction.acquiringRegistryAccountType
        guard let type else { return true }
        return !allowedAcquiringAccountTypes(context.transaction.transactionType).contains(type)
    }

    public static let acquiringRegistryFitsType = ITLCheck.message(
        "acquiring registry consistent with the transaction type", .typeSpecific, DESResponseCode(5302)
    ) { context in
        let sameRegistry = context.transaction.acquiringRegistryCode == context.transaction.transferringRegistryCode
        return context.transaction.transactionType == .externalTransfer ? !sameRegistry : sameRegistry
    }

    // MARK: Composition

    /// The transaction types this simulator checks and relays.
    public static let supportedTypes: Set<TransactionType> = [.issuance, .externalTransfer, .cancellation]

    /// Account types that may receive units for each type (DOMAIN.md section 3): issuance lands in the pending
    /// account (CDM) or a Party holding account (national issuance), transfers in holding accounts, cancellations
    /// in the 2xx cancellation accounts.
    public static func allowedAcquiringAccountTypes(_ type: TransactionType) -> Set<AccountType> {
        switch type {
        case .issuance: [.pending, .partyHolding]
        case .externalTransfer: [.partyHolding, .entityHolding, .personHolding]
        case .cancellation:
            [
                .netSourceCancellation, .nonComplianceCancellation, .voluntaryCancellation,
                .excessIssuanceCancellation, .ccsNetReversalCancellation, .ccsNonSubmissionCancellation,
                .mandatoryCancellation, .administrativeCancellation, .article37terCancellation,
                .ambitionIncreaseCancellation,
            ]
        default: []
        }
    }

    static let common: [ITLCheck] = [
        version, senderAuthenticated, addressedToITL, identifierOfProposer, identifierUnused,
        acquiringRegistryKnown, acquiringRegistryOperational, transferringRegistryOperational, hasBlocks,
        blocksDisjoint, unitTypeMatchesOrigin, commitmentPeriodsOrdered, temporaryUnitsExpire,
        transferringIsProposer, typeChecked,
    ]

    /// The checks a transaction type runs, in DES phase order.
    public static func checks(for type: TransactionType) -> [ITLCheck] {
        switch type {
        case .issuance:
            // 5202 here: another issuance in flight may be issuing the same serials.
            common + [
                issuanceSerialsFresh, unitsNotReserved, issuerIsOrigin, acquiringAccountTypeAllowed,
                acquiringRegistryFitsType,
            ]
        case .externalTransfer, .cancellation:
            common + [
                unitsNotCancelled, unitsHeldByTransferring, unitsNotReserved, attributesMatchRecord,
                acquiringAccountTypeAllowed, acquiringRegistryFitsType,
            ]
        default: common
        }
    }

    /// Runs the type's checks phase by phase; stops after the first phase that finds anything.
    public static func evaluate(_ context: ITLCheckContext) -> [DESEvaluationResult] {
        let checks = checks(for: context.transaction.transactionType)
        for phase in ITLCheckPhase.allCases {
            let results = checks.filter { $0.phase == phase }.compactMap { $0.evaluate(context) }
            if !results.isEmpty { return results }
        }
        return []
    }
}
