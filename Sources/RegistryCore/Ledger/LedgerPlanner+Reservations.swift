/// Transactions that go through the ITL: reserve, then commit or release; and units coming in from other registries.
extension LedgerPlanner {
    mutating func reserve(_ order: ReservationOrder) throws {
        try Self.checkQuantity(order.quantity)
        let transaction = order.transaction
        guard try reader.reservation(transaction) == nil else { throw LedgerError.reservationExists(transaction) }
        let source = try openAccount(order.from)
        guard source.kind.isHolding || source.type == .pending else {
            throw LedgerError.accountTypeNotAllowed(order.from, operation: "reserve", role: "source")
        }
        switch order.destination {
        case .external(let other):
            guard other != registry, other != .itl else {
                throw LedgerError.invalidDestination(
                    order.destination, reason: "an external transfer goes to another registry")
            }
        case .account(let id):
            guard id != order.from else { throw LedgerError.sameSourceAndDestination(id) }
            let destination = try openAccount(id)
            guard destination.type.isTerminal else {
                throw LedgerError.invalidDestination(
                    order.destination,
                    reason: "within this registry only cancellation and replacement go through the ITL")
            }
        case .reserved:
            throw LedgerError.invalidDestination(order.destination, reason: "a reservation is not a destination")
        }
        let taken: [UnitBlock]
        var fromIssuance: IssuanceIdentifier?
        if source.type == .pending {
            guard let id = order.issuance else { throw LedgerError.issuanceRequired(order.from) }
            var issuance = try existingIssuance(id)
            guard issuance.pendingAccount == order.from else { throw LedgerError.issuanceRequired(order.from) }
            let counts = Self.countsAgainstRelease(order.destination)
            if counts {
                try checkInstruction(order.instructedBy, issuance: issuance)
                try Self.checkReleased(order.quantity, of: issuance)
            } else {
                try Self.checkInPending(order.quantity, of: issuance)
            }
            taken = try takeFromPending(order.quantity, of: issuance)
            issuance.inPending -= order.quantity
            if counts { issuance.forwarded += order.quantity }
            records.append(.putIssuance(issuance))
            fromIssuance = id
        } else {
            taken = try takeExactly(order.quantity, from: order.from)
        }
        if case .account(let id) = order.destination { try Self.checkUnitTypes(taken, allowedIn: id) }
        let location = BlockLocation.reserved(transaction)
        try put(taken, from: .account(order.from), at: location)
        records.append(
            .putReservation(
                Reservation(
                    transaction: transaction, source: order.from, destination: order.destination,
                    blocks: staged.added(at: location), issuance: fromIssuance, reservedAt: time)))
    }

    /// Part of a reservation becomes a reservation of its own, same source, destination and issuance, so the two
    /// are committed or released separately and the issuance's counts stay right whichever way each goes.
    mutating func splitReservation(_ split: ReservationSplit) throws {
        try Self.checkQuantity(split.quantity)
        guard var original = try reader.reservation(split.from) else {
            throw LedgerError.unknownReservation(split.from)
        }
        guard try reader.reservation(split.into) == nil else { throw LedgerError.reservationExists(split.into) }
        guard split.quantity <= original.quantity else {
            throw LedgerError.insufficientReserved(split.from, requested: split.quantity, available: original.quantity)
        }
        let source = BlockLocation.reserved(split.from)
        let target = BlockLocation.reserved(split.into)
        var remaining = split.quantity
        var taken: [UnitBlock] = []
        var kept: [UnitBlock] = []
        for block in original.blocks.sorted(by: UnitBlock.takeOrder) {
            guard remaining > 0 else {
                kept.append(block)
                continue
            }
            let count = min(remaining, block.quantity)
            let part = SerialRange(unchecked: block.range.start, block.range.start + (count - 1))
            staged.remove(Placement(location: source, block: block))
            for piece in block.range.subtracting(part) {
                let rest = block.with(range: piece)
                try staged.add(Placement(location: source, block: rest))
                kept.append(rest)
            }
            taken.append(block.with(range: part))
            remaining -= count
        }
        try put(taken, from: source, at: target)
        records.append(
            .putReservation(
                Reservation(
                    transaction: split.into, source: original.source, destination: original.destination,
                    blocks: staged.added(at: target), issuance: original.issuance, reservedAt: time)))
        if kept.isEmpty {
            trailing.append(.deleteReservation(split.from))
        } else {
            original.blocks = kept.sorted(by: UnitBlock.takeOrder)
            records.append(.putReservation(original))
        }
    }

    /// The ITL accepted: the reserved units go to the destination (and stop being reserved).
    mutating func commit(_ transaction: TransactionIdentifier) throws {
        guard let reservation = try reader.reservation(transaction) else {
            throw LedgerError.unknownReservation(transaction)
        }
        if case .account(let id) = reservation.destination {
            _ = try openAccount(id)
            try Self.checkUnitTypes(reservation.blocks, allowedIn: id)
        }
        let location = BlockLocation.reserved(transaction)
        for block in reservation.blocks { staged.remove(Placement(location: location, block: block)) }
        try put(reservation.blocks, from: location, at: reservation.destination)
        trailing.append(.deleteReservation(transaction))
    }

    /// The transaction failed: the units go back to the source account, whatever its state now, because undoing
    /// a reservation must always be possible; with them goes the SOP-Admin release they used.
    mutating func release(_ transaction: TransactionIdentifier) throws {
        guard let reservation = try reader.reservation(transaction) else {
            throw LedgerError.unknownReservation(transaction)
        }
        _ = try existingAccount(reservation.source)
        let location = BlockLocation.reserved(transaction)
        for block in reservation.blocks { staged.remove(Placement(location: location, block: block)) }
        try put(reservation.blocks, from: location, at: .account(reservation.source))
        if let id = reservation.issuance {
            var issuance = try existingIssuance(id)
            issuance.inPending += reservation.quantity
            if Self.countsAgainstRelease(reservation.destination) { issuance.forwarded -= reservation.quantity }
            records.append(.putIssuance(issuance))
        }
        trailing.append(.deleteReservation(transaction))
    }

    /// Units another registry transferred to an account here.
    ///
    /// Rule: the CDM registry holds only units it issued, so an incoming block must consist of units this ledger
    /// records as transferred out (to any registry: units may travel on before they come back). Units of another
    /// originating registry, or serials never issued here, are refused. The units keep their identity (registry,
    /// serials, unit type, project, original commitment period must match); the other attributes are taken as the
    /// sender gives them, since carry-over and expiry date changes happen elsewhere.
    mutating func creditIncoming(_ credit: IncomingCredit) throws {
        guard credit.from != registry else {
            throw LedgerError.invalidIncoming(reason: "the sending registry \(credit.from) is this registry")
        }
        guard !credit.blocks.isEmpty else { throw LedgerError.invalidIncoming(reason: "no unit blocks") }
        let destination = try openAccount(credit.to)
        guard destination.kind.isHolding else {
            throw LedgerError.accountTypeNotAllowed(credit.to, operation: "creditIncoming", role: "destination")
        }
        let blocks = credit.blocks.sorted(by: UnitBlock.takeOrder)
        for (earlier, later) in zip(blocks, blocks.dropFirst())
        where earlier.originatingRegistry == later.originatingRegistry && earlier.range.overlaps(later.range) {
            throw LedgerError.invalidIncoming(reason: "blocks \(earlier.range) and \(later.range) overlap")
        }
        try Self.checkUnitTypes(blocks, allowedIn: credit.to)
        for block in blocks {
            guard block.originatingRegistry == registry else {
                throw LedgerError.foreignUnits(registry: block.originatingRegistry, serials: block.range)
            }
            let found = try staged.placements(overlapping: block.range, registry: registry)
            var covered: Int64 = 0
            for placement in found {
                let shared = placement.block.range.intersection(block.range) ?? block.range
                guard case .external = placement.location else {
                    throw LedgerError.incomingUnitsNotTransferredOut(serials: shared, location: placement.location)
                }
                let ours = placement.block.attributes
                let theirs = block.attributes
                guard ours.unitType == theirs.unitType, ours.project == theirs.project,
                    ours.originalCommitmentPeriod == theirs.originalCommitmentPeriod
                else {
                    throw LedgerError.incomingAttributesDiffer(
                        serials: shared, reason: "unit type, project or original commitment period differ from the "
                            + "units that left (\(placement.block))")
                }
                covered += shared.count
            }
            guard covered == block.quantity else {
                throw LedgerError.incomingUnitsNotTransferredOut(serials: block.range, location: nil)
            }
            for placement in found {
                staged.remove(placement)
                for piece in placement.block.range.subtracting(block.range) {
                    try staged.add(Placement(location: placement.location, block: placement.block.with(range: piece)))
                }
            }
        }
        try put(blocks, from: .external(credit.from), at: .account(credit.to))
    }
}
