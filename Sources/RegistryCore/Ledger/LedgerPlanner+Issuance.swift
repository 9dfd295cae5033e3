import Foundation

/// Issuance, share of proceeds and SOP-Admin (DOMAIN.md section 5).
extension LedgerPlanner {
    /// The Adaptation Fund's share of an issuance: 2%, rounded up, so rounding leftovers go to the SOP account
    /// (DOMAIN.md section 5); none for projects hosted in least developed countries. `ceil(q / 50)` is computed
    /// without multiplying, so no quantity up to Int64.max overflows.
    static func shareOfProceeds(of quantity: Int64, leastDevelopedCountry: Bool) -> Int64 {
        guard !leastDevelopedCountry else { return 0 }
        return quantity / 50 + (quantity % 50 == 0 ? 0 : 1)
    }

    mutating func issue(_ order: IssuanceOrder) throws {
        let id = order.issuance
        let project = try existingProject(id.project)
        guard try reader.issuance(id) == nil else { throw LedgerError.issuanceExists(id) }
        guard order.unitType.isCDMUnit else {
            throw LedgerError.invalidIssuance(
                id, reason: "the CDM registry issues CERs, tCERs and lCERs, not \(order.unitType)")
        }
        if order.unitType.isTemporary {
            guard order.expiryDate != nil else {
                throw LedgerError.invalidIssuance(id, reason: "\(order.unitType)s need an expiry date")
            }
            guard let activity = order.lulucfActivity, (1...7).contains(activity) else {
                throw LedgerError.invalidIssuance(id, reason: "\(order.unitType)s need a LULUCF activity 1...7")
            }
        } else {
            guard order.expiryDate == nil, order.lulucfActivity == nil else {
                throw LedgerError.invalidIssuance(id, reason: "CERs carry neither expiry date nor LULUCF activity")
            }
        }
        guard order.originalCommitmentPeriod != .euPilot, order.applicableCommitmentPeriod != .euPilot else {
            throw LedgerError.invalidIssuance(id, reason: "CDM units belong to commitment period 1 or 2")
        }
        guard order.monitoringPeriodStart <= order.monitoringPeriodEnd else {
            throw LedgerError.invalidIssuance(
                id, reason: "monitoring period \(order.monitoringPeriodStart) ends before it starts")
        }
        guard order.sopAdminDue >= 0 else {
            throw LedgerError.invalidIssuance(id, reason: "SOP-Admin due \(order.sopAdminDue) is negative")
        }
        let pending = try openAccount(order.pendingAccount)
        guard pending.type == .pending else {
            throw LedgerError.accountTypeNotAllowed(pending.identifier, operation: "issue", role: "pending account")
        }
        let share = Self.shareOfProceeds(
            of: order.serials.count, leastDevelopedCountry: project.isLeastDevelopedCountry)
        if share > 0 {
            let fund = try openAccount(order.shareOfProceedsAccount)
            guard fund.type == .partyHolding else {
                throw LedgerError.accountTypeNotAllowed(
                    fund.identifier, operation: "issue", role: "share-of-proceeds account")
            }
        }
        // Serials are unique per originating registry forever: every serial ever issued stays in the index, in
        // an account, reserved, or recorded as transferred out.
        if let existing = try reader.firstPlacement(overlapping: order.serials, originatingRegistry: registry) {
            throw LedgerError.serialOverlap(
                requested: order.serials, registry: registry, existing: existing.block.range,
                location: existing.location)
        }
        let attributes = UnitAttributes(
            originatingRegistry: registry, unitType: order.unitType, supplementaryUnitType: nil,
            originalCommitmentPeriod: order.originalCommitmentPeriod,
            applicableCommitmentPeriod: order.applicableCommitmentPeriod, lulucfActivity: order.lulucfActivity,
            project: project.number, track: nil, expiryDate: order.expiryDate)
        let issued = UnitBlock(range: order.serials, attributes: attributes)
        // The first `share` serials go to the Adaptation Fund, the rest to the pending account.
        var toPending: UnitBlock? = issued
        if share > 0 {
            let (forFund, rest) = try order.serials.split(taking: share)
            try put([issued.with(range: forFund)], from: nil, at: .account(order.shareOfProceedsAccount))
            toPending = rest.map { issued.with(range: $0) }
        }
        if let toPending { try put([toPending], from: nil, at: .account(order.pendingAccount)) }
        record(order, share, toPending?.quantity ?? 0, issued)
    }

    private mutating func record(_ order: IssuanceOrder, _ share: Int64, _ inPending: Int64, _ issued: UnitBlock) {
        records.append(
            .putIssuance(
                IssuanceRecord(
                    identifier: order.issuance, unitType: order.unitType, serials: order.serials,
                    attributes: issued.attributes, monitoringPeriodStart: order.monitoringPeriodStart,
                    monitoringPeriodEnd: order.monitoringPeriodEnd, issuedAt: time,
                    pendingAccount: order.pendingAccount, shareOfProceedsAccount: order.shareOfProceedsAccount,
                    shareOfProceeds: share, sopAdminDue: order.sopAdminDue, inPending: inPending)))
    }

    /// Any number of instalments; the cumulative amount decides what is released (`IssuanceRecord.released`).
    mutating func paySOPAdmin(_ payment: SOPAdminPayment) throws {
        guard payment.amount > 0 else { throw LedgerError.nonPositivePayment(payment.amount) }
        var issuance = try existingIssuance(payment.issuance)
        let (total, overflow) = issuance.sopAdminPaid.addingReportingOverflow(payment.amount)
        guard !overflow, total <= issuance.sopAdminDue else {
            throw LedgerError.sopAdminOverpaid(
                payment.issuance, due: issuance.sopAdminDue, alreadyPaid: issuance.sopAdminPaid,
                payment: payment.amount)
        }
        issuance.sopAdminPaid = total
        records.append(.putIssuance(issuance))
    }

    /// Units of `issuance` that may leave the pending account now under the SOP-Admin release: at most what the
    /// payments released and is not yet forwarded, and at most what is still there.
    static func checkReleased(_ quantity: Int64, of issuance: IssuanceRecord) throws {
        guard quantity <= issuance.released - issuance.forwarded else {
            throw LedgerError.forwardingBeyondRelease(
                issuance.identifier, requested: quantity, released: issuance.released,
                alreadyForwarded: issuance.forwarded)
        }
        try checkInPending(quantity, of: issuance)
    }

    static func checkInPending(_ quantity: Int64, of issuance: IssuanceRecord) throws {
        guard quantity <= issuance.inPending else {
            throw LedgerError.insufficientUnits(
                account: issuance.pendingAccount, requested: quantity, available: issuance.inPending)
        }
    }

    /// Takes exactly `quantity` of the issuance's units from its pending account.
    mutating func takeFromPending(_ quantity: Int64, of issuance: IssuanceRecord) throws -> [UnitBlock] {
        let taken = try take(upTo: quantity, from: issuance.pendingAccount, window: issuance.serials)
        let got = taken.reduce(Int64(0)) { $0 + $1.quantity }
        guard got == quantity else {
            throw LedgerError.insufficientUnits(account: issuance.pendingAccount, requested: quantity, available: got)
        }
        return taken
    }

    /// Pending account -> holding account of this registry, instructed under the modalities of communication.
    mutating func forward(_ order: ForwardOrder) throws {
        try Self.checkQuantity(order.quantity)
        var issuance = try existingIssuance(order.issuance)
        try checkInstruction(order.instructedBy, issuance: issuance)
        _ = try openAccount(issuance.pendingAccount)
        let destination = try openAccount(order.to)
        guard destination.kind.isHolding else {
            throw LedgerError.accountTypeNotAllowed(order.to, operation: "forward", role: "destination")
        }
        try Self.checkReleased(order.quantity, of: issuance)
        let taken = try takeFromPending(order.quantity, of: issuance)
        try Self.checkUnitTypes(taken, allowedIn: order.to)
        try put(taken, from: .account(issuance.pendingAccount), at: .account(order.to))
        issuance.forwarded += order.quantity
        issuance.inPending -= order.quantity
        records.append(.putIssuance(issuance))
    }
}
