import Foundation
import RegistryCore

/// A deliberate error in the ITL's view of one registry, so tests can force the inconsistent reconciliation path
/// without corrupting the holdings record itself (transactions keep being checked against the true record).
public struct ITLRecordFault: Hashable, Sendable {
    /// CDM-originated serials the comparison treats as not held by the registry (held or cancelled).
    public var hidden: SerialRange?
    /// CDM-originated serials the comparison believes the registry holds (not cancelled), of `phantomUnitType`.
    public var phantom: SerialRange?
    public var phantomUnitType: UnitType

    public init(hidden: SerialRange? = nil, phantom: SerialRange? = nil, phantomUnitType: UnitType = .cer) {
        self.hidden = hidden
        self.phantom = phantom
        self.phantomUnitType = phantomUnitType
    }

    /// The serials reconciliation compares: the record's holdings of the registry with this fault applied.
    public func applied(to holdings: [ITLHolding]) -> [ITLReconciledSerials] {
        var serials: [ITLReconciledSerials] = []
        for holding in holdings {
            let item = ITLReconciledSerials(holding)
            guard let hidden, item.key.originatingRegistry == .cdm else {
                serials.append(item)
                continue
            }
            for piece in item.range.subtracting(hidden) {
                serials.append(ITLReconciledSerials(key: item.key, range: piece))
            }
        }
        if let phantom {
            serials.append(
                ITLReconciledSerials(
                    key: .init(originatingRegistry: .cdm, unitType: phantomUnitType, cancelled: false), range: phantom))
        }
        return serials
    }
}

/// The record faults in force, per registry (admin `PUT /record-faults`, `DELETE /record-faults`); in memory only,
/// like the delivery fault plans: a restart clears them.
public final class ITLRecordFaults: Sendable {
    private let faults = Protected<[RegistryCode: ITLRecordFault]>([:])

    public init() {}

    public func set(_ fault: ITLRecordFault, for registry: RegistryCode) { faults.withLock { $0[registry] = fault } }

    /// Clears one registry's fault, or every fault when `registry` is nil.
    public func clear(_ registry: RegistryCode? = nil) {
        faults.withLock { faults in
            if let registry { faults[registry] = nil } else { faults = [:] }
        }
    }

    public func fault(for registry: RegistryCode) -> ITLRecordFault? { faults.withLock { $0[registry] } }

    public var all: [RegistryCode: ITLRecordFault] { faults.withLock { $0 } }
}
