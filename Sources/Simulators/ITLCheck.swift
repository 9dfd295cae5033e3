import DES
import Foundation
import RegistryCore

/// The phases of the ITL's checks, in the order DES runs them (DOMAIN.md "ITL checks").
///
/// A phase that finds anything stops the evaluation: later phases assume what earlier ones established (a
/// type-specific check on blocks that are not well formed would report noise).
public enum ITLCheckPhase: Int, Hashable, Sendable, CaseIterable, Comparable {
    case versionAndAuthentication = 1
    case messageViability
    case registry
    case dataIntegrity
    case typeSpecific

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Whether a registry the ITL knows is connected and operational (a suspended registry is known but refused).
public enum ITLRegistryState: Hashable, Sendable {
    case operational
    case notOperational
}

/// What one check sees: the proposal, who sent it, and the part of the ITL's record the proposal touches.
///
/// The relay reads the record once and hands it here, so each check is a pure function and testable alone.
public struct ITLCheckContext: Sendable {
    public var proposal: AcceptProposalRequest
    /// The registry the TLS client certificate belongs to (`PeerDirectory.authenticate`), nil if it names none.
    public var authenticatedSender: RegistryCode?
    public var registries: [RegistryCode: ITLRegistryState]
    /// True when the transaction identifier is already in the ITL's log.
    public var identifierAlreadyLogged: Bool
    /// Recorded blocks that share a serial with any proposed block.
    public var recordedHoldings: [ITLHolding]
    /// Transactions in flight (not this one) whose blocks are reserved.
    public var openTransactions: [ITLTransactionEntry]

    public init(
        proposal: AcceptProposalRequest, authenticatedSender: RegistryCode?,
        registries: [RegistryCode: ITLRegistryState], identifierAlreadyLogged: Bool = false,
        recordedHoldings: [ITLHolding] = [], openTransactions: [ITLTransactionEntry] = []
    ) {
        self.proposal = proposal
        self.authenticatedSender = authenticatedSender
        self.registries = registries
        self.identifierAlreadyLogged = identifierAlreadyLogged
        self.recordedHoldings = recordedHoldings
        self.openTransactions = openTransactions
    }

    public var transaction: DESProposalTransaction { proposal.proposedTransaction }
    public var blocks: [UnitBlock] { transaction.proposalUnitBlocks.map(\.block) }
}

/// One ITL check: a named rule with the response code it reports and the blocks it finds at fault.
public struct ITLCheck: Sendable, CustomStringConvertible {
    public let name: String
    public let phase: ITLCheckPhase
    public let code: DESResponseCode
    /// The offending blocks when the failure is about blocks, an empty list when it is about the message; nil if
    /// the check passes.
    let findings: @Sendable (ITLCheckContext) -> [DESUnitBlockIdentifier]?

    public init(
        _ name: String, phase: ITLCheckPhase, code: DESResponseCode,
        findings: @escaping @Sendable (ITLCheckContext) -> [DESUnitBlockIdentifier]?
    ) {
        self.name = name
        self.phase = phase
        self.code = code
        self.findings = findings
    }

    /// The evaluation result this check reports for the context, or nil when it passes.
    public func evaluate(_ context: ITLCheckContext) -> DESEvaluationResult? {
        guard let blocks = findings(context) else { return nil }
        return DESEvaluationResult(responseCode: code, unitBlockIdentifiers: blocks.isEmpty ? nil : blocks)
    }

    public var description: String { "\(code) \(name)" }
}

extension ITLCheck {
    /// A check about the message as a whole: fails (with no blocks) when `passes` is false.
    static func message(
        _ name: String, _ phase: ITLCheckPhase, _ code: DESResponseCode,
        _ passes: @escaping @Sendable (ITLCheckContext) -> Bool
    ) -> ITLCheck {
        ITLCheck(name, phase: phase, code: code) { context in passes(context) ? nil : [] }
    }

    /// A check of each proposed block: fails naming every block `isFaulty` picks.
    static func perBlock(
        _ name: String, _ phase: ITLCheckPhase, _ code: DESResponseCode,
        _ isFaulty: @escaping @Sendable (DESTransactionUnitBlock, ITLCheckContext) -> Bool
    ) -> ITLCheck {
        ITLCheck(name, phase: phase, code: code) { context in
            let faulty = context.transaction.proposalUnitBlocks.filter { isFaulty($0, context) }
            return faulty.isEmpty ? nil : faulty.map { identifier($0.block) }
        }
    }

    static func identifier(_ block: UnitBlock) -> DESUnitBlockIdentifier {
        DESUnitBlockIdentifier(range: block.range, originatingRegistry: block.originatingRegistry)
    }
}
