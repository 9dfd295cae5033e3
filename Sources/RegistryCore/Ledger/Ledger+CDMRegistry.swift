import Foundation

extension Ledger {
    /// The accounts the CDM registry runs itself: the pending account, the Adaptation Fund account, and per
    /// commitment period 1 and 2 the voluntary (230), excess issuance (240), CCS (241, 242), mandatory (250)
    /// cancellation accounts and the tCER/lCER replacement accounts (411, 421, 422, 423).
    public static var cdmStandardAccounts: [Account] {
        var accounts = [
            Account(identifier: .cdmPending, name: "Pending account", kind: .registryOperated),
            Account(identifier: .adaptationFund, name: "Adaptation Fund", kind: .permanentHolding),
        ]
        let terminal: [(AccountType, String)] = [
            (.voluntaryCancellation, "Voluntary cancellation"),
            (.excessIssuanceCancellation, "Excess issuance cancellation"),
            (.ccsNetReversalCancellation, "CCS net reversal of storage cancellation"),
            (.ccsNonSubmissionCancellation, "CCS non-submission of certification report cancellation"),
            (.mandatoryCancellation, "Mandatory cancellation"),
            (.tCERReplacementExpiry, "tCER replacement (expiry)"),
            (.lCERReplacementExpiry, "lCER replacement (expiry)"),
            (.lCERReplacementReversal, "lCER replacement (reversal of storage)"),
            (.lCERReplacementNonSubmission, "lCER replacement (non-submission of certification report)"),
        ]
        for period in [CommitmentPeriod.first, .second] {
            for (type, name) in terminal {
                accounts.append(
                    Account(
                        identifier: .cdmTerminal(type, period: period), name: "\(name) \(period)",
                        kind: .registryOperated))
            }
        }
        return accounts
    }

    /// A CDM registry ledger with its standard accounts open, opened at `time` (the journal entries are dropped:
    /// this is the registry's starting state).
    public static func cdmRegistry(openedAt time: Date = Date(timeIntervalSince1970: 0)) throws -> Ledger {
        var ledger = Ledger(registryCode: .cdm)
        for account in cdmStandardAccounts { try ledger.perform(.openAccount(account), at: time) }
        return ledger
    }
}
