/// Checks every invariant of a ledger while consuming its placements once, in global order (originating registry,
/// serial start), so the store can stream its blocks table through it without holding 10^6 blocks in memory.
///
/// Give it the accounts, issuance records and reservations (few), declare any cached account totals, `consume`
/// every placement in order, then `finish()`. Invariants: no overlaps and strictly increasing order; neighbours
/// with equal attributes in one place are merged; every block sits in a known account or reservation and its unit
/// type is allowed there; this registry holds only units it issued, every serial inside an issuance whose project
/// and unit type it carries, and every issued serial is placed exactly once; per project and unit type, issued =
/// held + reserved + cancelled + transferred out; cached totals, issuance pending counts and reservations agree
/// with the blocks; nothing is forwarded beyond the SOP-Admin release.
public struct LedgerVerifier {
    private let registry: RegistryCode
    private let accounts: [AccountIdentifier: Account]
    private let reservations: [TransactionIdentifier: Reservation]
    /// This registry's issuances in serial order.
    private let issuances: [IssuanceRecord]
    private var declaredTotals: [AccountIdentifier: (quantity: Int64, blocks: Int?)] = [:]
    private var slots: [AccountIdentifier: Int] = [:]
    private var slotIdentifiers: [AccountIdentifier] = []
    private var slotTypes: [AccountType] = []
    private var slotQuantities: [Int64] = []
    private var slotBlocks: [Int] = []
    private var recent: (id: AccountIdentifier, slot: Int)?
    private var olderRecent: (id: AccountIdentifier, slot: Int)?
    private var currentKey: ProjectUnitType?
    private var current = Disposition()
    private var reservedBlocks: [TransactionIdentifier: [UnitBlock]] = [:]
    private var placedPerIssuance: [Int64]
    private var pendingPerIssuance: [Int64]
    private var totals: [ProjectUnitType: Disposition] = [:]
    private var cursor = 0
    private var previous: Placement?
    private var violations: [LedgerViolation] = []

    private struct ProjectUnitType: Hashable, Comparable {
        var project: Int
        var unitType: UnitType
        static func < (lhs: Self, rhs: Self) -> Bool {
            (lhs.project, lhs.unitType.rawValue) < (rhs.project, rhs.unitType.rawValue)
        }
    }

    public init(
        registry: RegistryCode, accounts: [Account], issuances: [IssuanceRecord], reservations: [Reservation]
    ) {
        self.registry = registry
        self.accounts = Dictionary(accounts.map { ($0.identifier, $0) }, uniquingKeysWith: { first, _ in first })
        self.reservations = Dictionary(
            reservations.map { ($0.transaction, $0) }, uniquingKeysWith: { first, _ in first })
        for account in accounts where slots[account.identifier] == nil {
            slots[account.identifier] = slotIdentifiers.count
            slotIdentifiers.append(account.identifier)
            slotTypes.append(account.type)
            slotQuantities.append(0)
            slotBlocks.append(0)
        }
        let sorted = issuances.sorted { $0.serials < $1.serials }
        self.issuances = sorted
        placedPerIssuance = Array(repeating: 0, count: sorted.count)
        pendingPerIssuance = Array(repeating: 0, count: sorted.count)
        for (earlier, later) in zip(sorted, sorted.dropFirst()) where earlier.serials.overlaps(later.serials) {
            violations.append(.issuancesOverlap(earlier.identifier, later.identifier))
        }
        for issuance in sorted {
            if issuance.forwarded > issuance.released {
                violations.append(
                    .forwardedBeyondRelease(
                        issuance.identifier, forwarded: issuance.forwarded, released: issuance.released))
            }
            let key = ProjectUnitType(project: issuance.identifier.project, unitType: issuance.unitType)
            totals[key, default: Disposition()].issued &+= issuance.quantity
        }
    }

    /// A total the ledger keeps for an account (and its block count, if kept), to be checked against its blocks.
    public mutating func declareTotal(_ quantity: Int64, blocks: Int? = nil, of account: AccountIdentifier) {
        declaredTotals[account] = (quantity, blocks)
    }

    /// The next placement in global order.
    public mutating func consume(_ placement: Placement) {
        if let previous { checkOrder(previous, placement) }
        previous = placement
        check(placement)
    }

    /// The next placements in global order, read in place: each is compared with its predecessor in the buffer,
    /// and only the last one is kept, so the ledger's chunks stream through without a copy per placement.
    mutating func consume(contentsOf placements: UnsafeBufferPointer<Placement>) {
        guard !placements.isEmpty else { return }
        if let previous { checkOrder(previous, placements[0]) }
        check(placements[0])
        var position = 1
        while position < placements.count {
            checkOrder(placements[position - 1], placements[position])
            check(placements[position])
            position += 1
        }
        previous = placements[placements.count - 1]
    }

    /// Strictly increasing keys; same-registry neighbours neither overlap nor could have been merged.
    private mutating func checkOrder(_ previous: Placement, _ placement: Placement) {
        let previousKey = previous.key
        let key = placement.key
        if previousKey >= key {
            violations.append(.outOfOrder(previous: previousKey, next: key))
        } else if previousKey.originatingRegistry == key.originatingRegistry {
            if previous.block.range.overlaps(placement.block.range) {
                violations.append(.overlap(previous, placement))
            } else if previous.location == placement.location, previous.block.canMerge(with: placement.block) {
                violations.append(.unmergedNeighbours(previous, placement))
            }
        }
    }

    private mutating func check(_ placement: Placement) {
        checkLocation(placement)
        guard placement.block.attributes.originatingRegistry == registry else {
            violations.append(.foreignUnits(placement))
            return
        }
        checkIssued(placement)
    }

    /// The account's slot in the per-account arrays; the last two accounts asked for are remembered, because
    /// consecutive blocks mostly sit in the same few accounts (hashing per block would dominate `verify`).
    private mutating func slot(of id: AccountIdentifier) -> Int? {
        if let recent, recent.id == id { return recent.slot }
        if let older = olderRecent, older.id == id {
            swap(&recent, &olderRecent)
            return older.slot
        }
        guard let slot = slots[id] else { return nil }
        olderRecent = recent
        recent = (id, slot)
        return slot
    }

    private mutating func checkLocation(_ placement: Placement) {
        let quantity = placement.block.quantity
        let unitType = placement.block.attributes.unitType
        let key = ProjectUnitType(project: placement.block.attributes.project ?? 0, unitType: unitType)
        if key != currentKey {
            flushDisposition()
            currentKey = key
        }
        switch placement.location {
        case .account(let id):
            guard let slot = slot(of: id) else {
                violations.append(.unknownAccount(placement))
                return
            }
            let type = slotTypes[slot]
            if !type.cdmHolds(unitType) { violations.append(.unitTypeNotAllowed(placement)) }
            slotQuantities[slot] &+= quantity
            slotBlocks[slot] += 1
            if type.isTerminal {
                current.cancelled &+= quantity
            } else {
                current.held &+= quantity
            }
        case .reserved(let transaction):
            if reservations[transaction] == nil { violations.append(.unknownReservation(placement)) }
            reservedBlocks[transaction, default: []].append(placement.block)
            current.reserved &+= quantity
        case .external:
            current.transferredOut &+= quantity
        }
    }

    private mutating func flushDisposition() {
        guard let currentKey else { return }
        var total = totals[currentKey, default: Disposition()]
        total.held &+= current.held
        total.reserved &+= current.reserved
        total.cancelled &+= current.cancelled
        total.transferredOut &+= current.transferredOut
        totals[currentKey] = total
        current = Disposition()
    }

    /// Walks the issuances (sorted by serial) alongside the placements: each placement must lie inside issuances
    /// whose project and unit type it carries.
    private mutating func checkIssued(_ placement: Placement) {
        var start = placement.block.range.start
        let end = placement.block.range.end
        let project = placement.block.attributes.project
        let unitType = placement.block.attributes.unitType
        // Read once per placement rather than building a location to compare per issuance piece.
        let account = placement.location.accountIdentifier
        while true {
            while cursor < issuances.count, issuances[cursor].serials.end < start { cursor += 1 }
            guard cursor < issuances.count, issuances[cursor].serials.start <= start else {
                let gapEnd = cursor < issuances.count ? min(end, issuances[cursor].serials.start - 1) : end
                violations.append(.serialsNotIssued(SerialRange(unchecked: start, gapEnd), placement))
                guard gapEnd < end else { return }
                start = gapEnd + 1
                continue
            }
            let pieceEnd = min(end, issuances[cursor].serials.end)
            let piece = pieceEnd - start + 1
            if project != issuances[cursor].identifier.project || unitType != issuances[cursor].unitType {
                violations.append(.attributesDifferFromIssuance(placement, issuances[cursor].identifier))
            }
            placedPerIssuance[cursor] &+= piece
            if let account, account == issuances[cursor].pendingAccount { pendingPerIssuance[cursor] &+= piece }
            guard pieceEnd < end else { return }
            start = pieceEnd + 1
        }
    }

    /// Everything found, in a stable order; empty when the ledger is consistent.
    public mutating func finish() -> [LedgerViolation] {
        flushDisposition()
        currentKey = nil
        var actualTotals: [AccountIdentifier: (quantity: Int64, blocks: Int)] = [:]
        for (slot, id) in slotIdentifiers.enumerated() where slotBlocks[slot] > 0 {
            actualTotals[id] = (slotQuantities[slot], slotBlocks[slot])
        }
        var found = violations
        for (index, issuance) in issuances.enumerated() {
            if placedPerIssuance[index] != issuance.quantity {
                found.append(
                    .issuanceNotFullyPlaced(
                        issuance.identifier, issued: issuance.quantity, placed: placedPerIssuance[index]))
            }
            if pendingPerIssuance[index] != issuance.inPending {
                found.append(
                    .pendingCountDisagrees(
                        issuance.identifier, recorded: issuance.inPending, inAccount: pendingPerIssuance[index]))
            }
        }
        for key in totals.keys.sorted() {
            let disposition = totals[key] ?? Disposition()
            let accounted = disposition.held &+ disposition.reserved &+ disposition.cancelled
                &+ disposition.transferredOut
            if accounted != disposition.issued {
                found.append(
                    .unitsNotConserved(
                        project: key.project, unitType: key.unitType, issued: disposition.issued,
                        held: disposition.held, reserved: disposition.reserved, cancelled: disposition.cancelled,
                        transferredOut: disposition.transferredOut))
            }
        }
        for id in Set(declaredTotals.keys).union(actualTotals.keys).sorted() {
            let declared = declaredTotals[id]
            let actual = actualTotals[id] ?? (0, 0)
            let declaredBlocks = declared?.blocks ?? actual.blocks
            if (declared?.quantity ?? 0) != actual.quantity || declaredBlocks != actual.blocks {
                found.append(
                    .accountTotalDisagrees(
                        id, declared: declared?.quantity ?? 0, actual: actual.quantity,
                        declaredBlocks: declaredBlocks, actualBlocks: actual.blocks))
            }
        }
        for transaction in Set(reservations.keys).union(reservedBlocks.keys).sorted() {
            let recorded = (reservations[transaction]?.blocks ?? []).sorted(by: UnitBlock.takeOrder)
            let placed = reservedBlocks[transaction] ?? []
            if recorded != placed, reservations[transaction] != nil {
                found.append(.reservationDisagrees(transaction, recorded: recorded, placed: placed))
            }
        }
        return found
    }
}

/// Where the units of one project and unit type are, for the conservation check.
private struct Disposition {
    var issued: Int64 = 0
    var held: Int64 = 0
    var reserved: Int64 = 0
    var cancelled: Int64 = 0
    var transferredOut: Int64 = 0
}

/// One broken invariant, naming the blocks, accounts or issuances involved.
public enum LedgerViolation: Hashable, Sendable, CustomStringConvertible {
    case outOfOrder(previous: BlockKey, next: BlockKey)
    case overlap(Placement, Placement)
    case unmergedNeighbours(Placement, Placement)
    case unknownAccount(Placement)
    case unknownReservation(Placement)
    case unitTypeNotAllowed(Placement)
    case foreignUnits(Placement)
    case serialsNotIssued(SerialRange, Placement)
    case attributesDifferFromIssuance(Placement, IssuanceIdentifier)
    case issuancesOverlap(IssuanceIdentifier, IssuanceIdentifier)
    case issuanceNotFullyPlaced(IssuanceIdentifier, issued: Int64, placed: Int64)
    case pendingCountDisagrees(IssuanceIdentifier, recorded: Int64, inAccount: Int64)
    case forwardedBeyondRelease(IssuanceIdentifier, forwarded: Int64, released: Int64)
    case unitsNotConserved(
        project: Int, unitType: UnitType, issued: Int64, held: Int64, reserved: Int64, cancelled: Int64,
        transferredOut: Int64)
    case accountTotalDisagrees(
        AccountIdentifier, declared: Int64, actual: Int64, declaredBlocks: Int, actualBlocks: Int)
    case reservationDisagrees(TransactionIdentifier, recorded: [UnitBlock], placed: [UnitBlock])

    public var description: String {
        switch self {
        case .outOfOrder(let previous, let next): "placement \(next) comes after \(previous) out of order"
        case .overlap(let first, let second): "\(first) overlaps \(second)"
        case .unmergedNeighbours(let first, let second): "\(first) and \(second) should be one block"
        case .unknownAccount(let placement): "\(placement): no such account"
        case .unknownReservation(let placement): "\(placement): no such reservation"
        case .unitTypeNotAllowed(let placement): "\(placement): the account cannot hold this unit type"
        case .foreignUnits(let placement): "\(placement): units of another originating registry"
        case .serialsNotIssued(let range, let placement): "\(placement): serials \(range) were never issued"
        case .attributesDifferFromIssuance(let placement, let issuance):
            "\(placement): project or unit type differs from \(issuance)"
        case .issuancesOverlap(let first, let second): "\(first) and \(second) share serials"
        case .issuanceNotFullyPlaced(let id, let issued, let placed): "\(id): \(issued) issued, \(placed) placed"
        case .pendingCountDisagrees(let id, let recorded, let actual):
            "\(id): \(recorded) recorded in the pending account, \(actual) there"
        case .forwardedBeyondRelease(let id, let forwarded, let released):
            "\(id): \(forwarded) forwarded but only \(released) released by SOP-Admin"
        case .unitsNotConserved(let project, let type, let issued, let held, let reserved, let cancelled, let out):
            "project \(project) \(type): issued \(issued) != held \(held) + reserved \(reserved) + cancelled "
                + "\(cancelled) + transferred out \(out)"
        case .accountTotalDisagrees(let id, let declared, let actual, let declaredBlocks, let actualBlocks):
            "account \(id): total \(declared) in \(declaredBlocks) blocks kept, \(actual) in \(actualBlocks) blocks"
        case .reservationDisagrees(let transaction, let recorded, let placed):
            "reservation \(transaction): records \(recorded), placed \(placed)"
        }
    }
}
