import Foundation

/// Accounts and projects: opening, blocking, closing, registering.
extension LedgerPlanner {
    mutating func openAccount(_ account: Account) throws {
        let id = account.identifier
        guard id.registry == registry else { throw LedgerError.accountNotInThisRegistry(id, registry: registry) }
        guard AccountType.cdmTypes.contains(id.type) else {
            throw LedgerError.accountTypeNotAllowed(id, operation: "openAccount", role: "account of this registry")
        }
        guard try reader.account(id) == nil else { throw LedgerError.accountExists(id) }
        guard account.state == .open else { throw LedgerError.invalidAccount(id, reason: "a new account starts open") }
        guard !account.name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw LedgerError.invalidAccount(id, reason: "the holder's name is empty")
        }
        // Holding accounts are type 100 and only type 100 is a holding account (DOMAIN.md section 3).
        guard account.kind.isHolding == (id.type == .partyHolding) else {
            throw LedgerError.invalidAccount(
                id, reason: "type \(id.type) cannot be a \(account.kind) account")
        }
        if case .temporaryHolding(let associated) = account.kind, associated == registry {
            throw LedgerError.invalidAccount(id, reason: "a temporary account forwards to another registry")
        }
        records.append(.putAccount(account))
    }

    mutating func setAccountState(_ id: AccountIdentifier, _ state: AccountState) throws {
        var account = try existingAccount(id)
        // Closing is final: a closed account's history must stay as it was.
        guard account.state != .closed else { throw LedgerError.accountClosed(id) }
        if state == .closed {
            let held = try reader.balance(of: id)
            guard held == 0 else { throw LedgerError.accountNotEmpty(id, quantity: held) }
        }
        account.state = state
        records.append(.putAccount(account))
    }

    mutating func registerProject(_ project: Project) throws {
        guard project.number > 0 else {
            throw LedgerError.invalidProject(project.number, reason: "the project number is not positive")
        }
        guard try reader.project(project.number) == nil else { throw LedgerError.projectExists(project.number) }
        guard !project.title.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw LedgerError.invalidProject(project.number, reason: "the title is empty")
        }
        guard project.hostParty.rawValue.utf8.count == 2 else {
            throw LedgerError.invalidProject(
                project.number, reason: "host Party '\(project.hostParty)' is not an ISO 3166 alpha-2 code")
        }
        try Self.checkModalities(project.modalities, project: project.number)
        records.append(.putProject(project))
    }

    mutating func setModalities(_ number: Int, _ participants: Set<ParticipantIdentifier>) throws {
        var project = try existingProject(number)
        try Self.checkModalities(participants, project: number)
        project.modalities = participants
        records.append(.putProject(project))
    }

    /// Someone must be able to instruct, and a blank name would match a blank instruction.
    static func checkModalities(_ participants: Set<ParticipantIdentifier>, project: Int) throws {
        guard !participants.isEmpty else {
            throw LedgerError.invalidProject(project, reason: "the modalities of communication name nobody")
        }
        guard participants.allSatisfy({ !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            throw LedgerError.invalidProject(
                project, reason: "the modalities of communication name a blank participant")
        }
    }
}
