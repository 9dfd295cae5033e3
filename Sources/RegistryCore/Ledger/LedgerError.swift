/// Why the ledger refused an operation. Every case names the account, the quantities or the serials involved, and
/// a refused operation changes nothing.
public enum LedgerError: Error, Hashable, Sendable, CustomStringConvertible {
    case unknownAccount(AccountIdentifier)
    case accountExists(AccountIdentifier)
    case accountBlocked(AccountIdentifier)
    case accountClosed(AccountIdentifier)
    /// An account is closed only when it holds nothing, and never reopened.
    case accountNotEmpty(AccountIdentifier, quantity: Int64)
    case accountNotInThisRegistry(AccountIdentifier, registry: RegistryCode)
    /// The account type cannot take part in this operation in this role.
    case accountTypeNotAllowed(AccountIdentifier, operation: String, role: String)
    case invalidAccount(AccountIdentifier, reason: String)
    case sameSourceAndDestination(AccountIdentifier)
    case unitTypeNotAllowed(UnitType, account: AccountIdentifier, serials: SerialRange)
    case insufficientUnits(account: AccountIdentifier, requested: Int64, available: Int64)
    case nonPositiveQuantity(Int64)
    case unknownProject(Int)
    case projectExists(Int)
    case invalidProject(Int, reason: String)
    case unknownIssuance(IssuanceIdentifier)
    case issuanceExists(IssuanceIdentifier)
    case invalidIssuance(IssuanceIdentifier, reason: String)
    /// Serials are unique per originating registry, forever: whatever happened to the earlier units.
    case serialOverlap(requested: SerialRange, registry: RegistryCode, existing: SerialRange, location: BlockLocation)
    case nonPositivePayment(Int64)
    case sopAdminOverpaid(IssuanceIdentifier, due: Int64, alreadyPaid: Int64, payment: Int64)
    case forwardingBeyondRelease(IssuanceIdentifier, requested: Int64, released: Int64, alreadyForwarded: Int64)
    case notInModalities(ParticipantIdentifier?, project: Int)
    case issuanceRequired(AccountIdentifier)
    case unknownReservation(TransactionIdentifier)
    case reservationExists(TransactionIdentifier)
    case insufficientReserved(TransactionIdentifier, requested: Int64, available: Int64)
    case invalidDestination(BlockLocation, reason: String)
    /// The CDM registry holds only units it issued; units of another originating registry are refused.
    case foreignUnits(registry: RegistryCode, serials: SerialRange)
    /// An incoming block must be units that left this registry earlier and are recorded as transferred out.
    case incomingUnitsNotTransferredOut(serials: SerialRange, location: BlockLocation?)
    case incomingAttributesDiffer(serials: SerialRange, reason: String)
    case invalidIncoming(reason: String)
    case quantityOverflow
    case noSourceAccount(operation: String)

    public var description: String {
        switch self {
        case .unknownAccount(let id): "account \(id) does not exist"
        case .accountExists(let id): "account \(id) already exists"
        case .accountBlocked(let id): "account \(id) is blocked: it can neither send nor receive units"
        case .accountClosed(let id): "account \(id) is closed: it can neither send nor receive units"
        case .accountNotEmpty(let id, let quantity): "account \(id) still holds \(quantity) units and cannot be closed"
        case .accountNotInThisRegistry(let id, let registry): "account \(id) is not an account of registry \(registry)"
        case .accountTypeNotAllowed(let id, let operation, let role):
            "account \(id) (type \(id.type)) cannot be the \(role) of \(operation)"
        case .invalidAccount(let id, let reason): "account \(id): \(reason)"
        case .sameSourceAndDestination(let id): "account \(id) is both source and destination"
        case .unitTypeNotAllowed(let type, let account, let serials):
            "account \(account) (type \(account.type)) cannot hold \(type) units (serials \(serials))"
        case .insufficientUnits(let account, let requested, let available):
            "account \(account) has \(available) units available, \(requested) requested"
        case .nonPositiveQuantity(let quantity): "quantity \(quantity) is not positive"
        case .unknownProject(let number): "project \(number) is not registered"
        case .projectExists(let number): "project \(number) is already registered"
        case .invalidProject(let number, let reason): "project \(number): \(reason)"
        case .unknownIssuance(let id): "\(id) does not exist"
        case .issuanceExists(let id): "\(id) already exists"
        case .invalidIssuance(let id, let reason): "\(id): \(reason)"
        case .serialOverlap(let requested, let registry, let existing, let location):
            "serials \(registry):\(requested) overlap \(registry):\(existing) already issued (\(location))"
        case .nonPositivePayment(let amount): "payment \(amount) is not positive"
        case .sopAdminOverpaid(let id, let due, let paid, let payment):
            "\(id): paying \(payment) on top of \(paid) exceeds the SOP-Admin due of \(due)"
        case .forwardingBeyondRelease(let id, let requested, let released, let forwarded):
            "\(id): \(requested) units requested, but SOP-Admin payments released \(released) "
                + "of which \(forwarded) have already left the pending account"
        case .notInModalities(let participant, let project):
            "\(participant.map { "'\($0)'" } ?? "an unnamed instructor") is not named by the modalities of "
                + "communication of project \(project)"
        case .issuanceRequired(let id): "units leave the pending account \(id) only for a named issuance"
        case .unknownReservation(let transaction): "transaction \(transaction) has no reservation"
        case .reservationExists(let transaction): "transaction \(transaction) already has a reservation"
        case .insufficientReserved(let transaction, let requested, let available):
            "reservation \(transaction) holds \(available) units; \(requested) were asked for"
        case .invalidDestination(let location, let reason): "destination \(location): \(reason)"
        case .foreignUnits(let registry, let serials):
            "units \(registry):\(serials) originate in another registry; this registry holds only its own units"
        case .incomingUnitsNotTransferredOut(let serials, let location):
            "incoming units \(serials) are not recorded as transferred out"
                + (location.map { " (they are \($0))" } ?? " (never issued here)")
        case .incomingAttributesDiffer(let serials, let reason): "incoming units \(serials): \(reason)"
        case .invalidIncoming(let reason): "incoming transfer: \(reason)"
        case .quantityOverflow: "quantity exceeds the 64-bit range"
        case .noSourceAccount(let operation): "\(operation) names no account to take units from"
        }
    }
}
