import DES
import Foundation
import RegistryCore

/// The phases of a DES reconciliation (DOMAIN.md section 4, "Reconciliation"): 1 totals, 2 unit blocks,
/// 3 audit trail. A reconciliation goes to the next phase only when the previous one found a difference.
public enum ITLReconciliationPhase: Int, Hashable, Sendable, Codable, Comparable {
    case totals = 1
    case unitBlocks = 2
    case auditTrail = 3

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// DES reconciliation statuses the ITL simulator records (DOMAIN.md section 4). 5 and 6 follow manual
/// intervention outside the simulator, so the driver never sets them.
public enum ITLReconciliationStatus: Int, Hashable, Sendable, Codable {
    case confirmed = 0
    case initiated = 1
    case validated = 2
    case totalsInconsistent = 3
    case unitBlocksInconsistent = 4
    case completed = 5
    case completedAfterManualIntervention = 6
    case startRequestDenied = 7

    /// Only `initiated` is still running; every other status ends the reconciliation for the driver.
    public var isFinal: Bool { self != .initiated }
}

/// Response codes of the reconciliation driver. The DES annex tables are not in `../des/`, so the numbers are this
/// simulator's choice, in an 8xxx range no ITL check uses (ITLChecks holds 1xxx, 4xxx, 5xxx).
public enum ITLReconciliationCode {
    /// Held (non-cancelled) units of a unit type differ between the registry's totals and the ITL record.
    public static let heldTotalsDiffer = DESResponseCode(8001)
    /// Cancelled (account types 2xx-4xx) units of a unit type differ between the totals and the record.
    public static let cancelledTotalsDiffer = DESResponseCode(8002)
    /// The registry reported unit blocks the ITL record does not place there.
    public static let unitsUnknownToITL = DESResponseCode(8003)
    /// The ITL record places units in the registry that its unit blocks do not contain.
    public static let unitsMissingInRegistry = DESResponseCode(8004)
    /// The registry's totals disagree with the ITL, yet its unit blocks agree: its totals contradict its blocks.
    public static let totalsContradictBlocks = DESResponseCode(8005)
    /// A phase had no answer within `reconciliationPhaseTimeoutSeconds`.
    public static let phaseTimedOut = DESResponseCode(8006)
    /// The registry refused (resultIdentifier 0) or could not be sent a provide request.
    public static let requestNotReceived = DESResponseCode(8007)
    /// receiveTotals/UnitBlocks/AuditTrail for a reconciliation the ITL is not running with that registry.
    public static let unknownReconciliation = DESResponseCode(8010)
    /// receiveTotals/UnitBlocks/AuditTrail for a phase the reconciliation is not waiting for.
    public static let unexpectedPhase = DESResponseCode(8011)
}

/// One difference found by a reconciliation, as GET /reconciliations shows it.
public struct ITLReconciliationDifferences: Hashable, Sendable, Codable {
    /// Units of one unit type, held or cancelled, counted by both sides.
    public struct Total: Hashable, Sendable, Codable {
        public var unitType: Int
        public var cancelled: Bool
        public var itl: Int64
        public var registry: Int64
    }

    /// Serials one side places in the registry and the other does not (`side`: "itlOnly" or "registryOnly").
    public struct Block: Hashable, Sendable, Codable {
        public var originatingRegistry: String
        public var first: Int64
        public var last: Int64
        public var unitType: Int
        public var cancelled: Bool
        public var side: String
    }

    public var totals: [Total] = []
    public var blocks: [Block] = []

    public init(totals: [Total] = [], blocks: [Block] = []) {
        self.totals = totals
        self.blocks = blocks
    }
}

/// A reconciliation as the ITL records it (table `reconciliation`).
public struct ITLReconciliation: Hashable, Sendable {
    public var identifier: String
    public var registry: RegistryCode
    public var snapshot: Date
    public var phase: ITLReconciliationPhase
    public var status: ITLReconciliationStatus
    public var responseCodes: [DESResponseCode]
    public var differences: ITLReconciliationDifferences
    /// Identifiers of the transactions the registry's audit trail contained.
    public var auditTrail: [String]
    /// Whether the registry acknowledged receiveReconciliationResult (nil: not sent, e.g. the start was denied).
    public var resultAcknowledged: Bool?
    /// Why the reconciliation ended as it did, in words (time-out, refusal, restart).
    public var detail: String
    public var startedAt: Date
    public var endedAt: Date?

    public init(
        identifier: String, registry: RegistryCode, snapshot: Date, phase: ITLReconciliationPhase = .totals,
        status: ITLReconciliationStatus = .initiated, responseCodes: [DESResponseCode] = [],
        differences: ITLReconciliationDifferences = ITLReconciliationDifferences(), auditTrail: [String] = [],
        resultAcknowledged: Bool? = nil, detail: String = "", startedAt: Date, endedAt: Date? = nil
    ) {
        self.identifier = identifier
        self.registry = registry
        self.snapshot = snapshot
        self.phase = phase
        self.status = status
        self.responseCodes = responseCodes
        self.differences = differences
        self.auditTrail = auditTrail
        self.resultAcknowledged = resultAcknowledged
        self.detail = detail
        self.startedAt = startedAt
        self.endedAt = endedAt
    }
}
