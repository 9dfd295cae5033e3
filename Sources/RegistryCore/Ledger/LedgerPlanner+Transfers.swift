/// Internal transfers and cancellations straight into a cancellation or replacement account.
extension LedgerPlanner {
    /// Holding account -> holding account of this registry (DES type 10, not checked by the ITL).
    mutating func transfer(_ order: TransferOrder) throws {
        try Self.checkQuantity(order.quantity)
        guard order.from != order.to else { throw LedgerError.sameSourceAndDestination(order.from) }
        let source = try openAccount(order.from)
        guard source.kind.isHolding else {
            throw LedgerError.accountTypeNotAllowed(order.from, operation: "transfer", role: "source")
        }
        let destination = try openAccount(order.to)
        guard destination.kind.isHolding else {
            throw LedgerError.accountTypeNotAllowed(order.to, operation: "transfer", role: "destination")
        }
        let taken = try takeExactly(order.quantity, from: order.from)
        try Self.checkUnitTypes(taken, allowedIn: order.to)
        try put(taken, from: .account(order.from), at: .account(order.to))
    }

    /// Whether units leaving the pending account for `destination` use up the SOP-Admin release: forwarding and
    /// voluntary cancellation do; cancellations the EB or the ITL impose (excess issuance, CCS, mandatory,
    /// replacement) do not, since they are not the participants' choice.
    static func countsAgainstRelease(_ destination: BlockLocation) -> Bool {
        if case .account(let id) = destination, id.type.isTerminal, id.type != .voluntaryCancellation { return false }
        return true
    }

    /// Into a cancellation or replacement account, taking from the sources in order until the quantity is reached.
    mutating func cancel(_ order: CancellationOrder) throws {
        try Self.checkQuantity(order.quantity)
        let destination = try openAccount(order.to)
        guard destination.type.isTerminal else {
            throw LedgerError.accountTypeNotAllowed(order.to, operation: "cancel", role: "destination")
        }
        var sources: [AccountIdentifier] = []
        for source in order.sources where !sources.contains(source) { sources.append(source) }
        guard !sources.isEmpty else { throw LedgerError.noSourceAccount(operation: "cancel") }
        var issuance = try order.issuance.map { try existingIssuance($0) }
        let countsAgainstRelease = Self.countsAgainstRelease(.account(order.to))
        var remaining = order.quantity
        for source in sources {
            guard source != order.to else { throw LedgerError.sameSourceAndDestination(source) }
            let account = try openAccount(source)
            guard account.kind.isHolding || account.type == .pending else {
                throw LedgerError.accountTypeNotAllowed(source, operation: "cancel", role: "source")
            }
            guard remaining > 0 else { continue }
            let asked = remaining
            let taken: [UnitBlock]
            if account.type == .pending {
                guard let record = issuance, record.pendingAccount == source else {
                    throw LedgerError.issuanceRequired(source)
                }
                let available: Int64
                if countsAgainstRelease {
                    try checkInstruction(order.instructedBy, issuance: record)
                    available = max(0, min(record.released - record.forwarded, record.inPending))
                } else {
                    available = record.inPending
                }
                let count = min(asked, available)
                if count < asked, source == sources.last {
                    // Nothing after this source can make up the difference: name the rule that limits it.
                    if countsAgainstRelease { try Self.checkReleased(asked, of: record) }
                    try Self.checkInPending(asked, of: record)
                }
                taken = count > 0 ? try takeFromPending(count, of: record) : []
                issuance?.inPending -= count
                if countsAgainstRelease { issuance?.forwarded += count }
            } else if let record = issuance {
                taken = try take(upTo: asked, from: source, window: record.serials)
            } else {
                let available = try reader.balance(of: source)
                let count = min(asked, available)
                taken = count > 0 ? try takeExactly(count, from: source) : []
            }
            let got = taken.reduce(Int64(0)) { $0 + $1.quantity }
            remaining -= got
            if remaining > 0, source == sources.last {
                throw LedgerError.insufficientUnits(account: source, requested: asked, available: got)
            }
            guard !taken.isEmpty else { continue }
            try Self.checkUnitTypes(taken, allowedIn: order.to)
            try put(taken, from: .account(source), at: .account(order.to))
        }
        if let issuance, sources.contains(issuance.pendingAccount) { records.append(.putIssuance(issuance)) }
    }
}
