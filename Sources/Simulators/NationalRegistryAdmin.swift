import DES
import Foundation
import RegistryCore

/// The registry simulator's admin endpoint: health, accounts, holdings, seeding, its own proposals to the ITL and
/// its transaction statuses (routes in notes/sims-docs.md).
public struct NationalRegistryAdmin: AdminRequestHandler {
    let registry: NationalRegistry
    /// One attempt per proposal: the caller sees at once whether the ITL took it (`SimulatorDelivery.attempt`).
    let proposals: @Sendable (AcceptProposalRequest) async -> DeliveryAttempt

    public init(registry: NationalRegistry, delivery: SimulatorDelivery) {
        self.init(registry: registry) { request in await delivery.attempt(.acceptProposal(request), to: .itl) }
    }

    /// With any way of reaching the ITL (tests call an in-process `ITLRelay`).
    public init(
        registry: NationalRegistry, proposals: @escaping @Sendable (AcceptProposalRequest) async -> DeliveryAttempt
    ) {
        self.registry = registry
        self.proposals = proposals
    }

    struct Health: Codable { var code: String, ready: Bool }

    struct AccountBody: Codable {
        var identifier: Int64
        var type: Int
        var open: Bool?
        var eligibleUnitTypes: [Int]?

        init(_ account: NationalRegistryAccount) {
            identifier = account.identifier
            type = account.type.rawValue
            open = account.isOpen
            eligibleUnitTypes = account.eligibleUnitTypes.map(\.rawValue).sorted()
        }

        func account() throws(AdminInputError) -> NationalRegistryAccount {
            var eligible = Set<UnitType>()
            for code in eligibleUnitTypes ?? UnitType.allCases.map(\.rawValue) {
                guard let type = UnitType(rawValue: code) else {
                    throw AdminInputError("eligibleUnitTypes: \(code) is not a DES unit type (1-7)")
                }
                eligible.insert(type)
            }
            guard (0...999).contains(type) else { throw AdminInputError("type \(type) is not a DES account type") }
            return NationalRegistryAccount(
                identifier: identifier, type: AccountType(type), isOpen: open ?? true, eligibleUnitTypes: eligible)
        }
    }

    struct Accounts: Codable { var accounts: [AccountBody] }
    struct Blocks: Codable { var blocks: [AdminBlock] }
    struct Seed: Codable { var account: Int64, blocks: [AdminBlock] }
    struct Seeded: Codable { var account: Int64, blocks: Int, units: Int64 }

    struct Proposal: Codable {
        var transactionIdentifier: String?
        var fromAccount: Int64
        var quantity: Int64
        var toRegistry: String
        var toAccountType: Int
        var toAccountIdentifier: Int64
    }

    struct Result: Codable {
        var resultIdentifier: Int
        var responseCodes: [Int]
    }

    struct Proposed: Codable {
        var transactionIdentifier: String
        var result: Result
        var blocks: [AdminBlock]
    }

    struct TransactionBody: Codable {
        var identifier: String
        var status: Int
        var responseCodes: [Int]
    }

    public func respond(to request: AdminRequest) async -> AdminResponse {
        do {
            return try await route(request)
        } catch let error as AdminInputError {
            return .error(400, error.message)
        } catch let error as NationalRegistryError {
            return Self.answer(error)
        } catch {
            return .error(500, "\(error)")
        }
    }

    /// Missing things are 404, conflicts with the registry's state 409, its own failures 500.
    static func answer(_ error: NationalRegistryError) -> AdminResponse {
        switch error {
        case .unknownAccount, .unknownTransaction: .error(404, error.description)
        case .accountExists, .accountClosed, .unitsNotAvailable, .duplicateTransaction, .unitsAlreadyHeld,
            .insufficientUnits, .transactionNotOpen:
            .error(409, error.description)
        case .transactionNotOurs, .invalidQuantity: .error(400, error.description)
        case .notDurable, .corruptRow, .database: .error(500, error.description)
        }
    }

    func route(_ request: AdminRequest) async throws -> AdminResponse {
        var router = AdminRouter(request)
        if router.match("GET", "health") != nil {
            return .json(Health(code: registry.code.rawValue, ready: true))
        }
        if router.match("GET", "accounts") != nil {
            return .json(Accounts(accounts: try registry.accounts().map(AccountBody.init)))
        }
        if router.match("POST", "accounts") != nil {
            let account = try AdminJSON.decode(AccountBody.self, from: request.body).account()
            try registry.openAccount(account)
            return .json(AccountBody(account), status: 201)
        }
        if let captures = router.match("GET", "accounts/*/holdings") {
            let account = try Self.accountNumber(captures[0])
            guard try registry.account(account) != nil else { throw NationalRegistryError.unknownAccount(account) }
            let held = try registry.heldBlocks(of: account)
            return .json(Blocks(blocks: held.map { AdminBlock($0.block, reservedBy: $0.reservedBy?.rawValue) }))
        }
        if let captures = router.match("POST", "accounts/*/close") {
            let account = try Self.accountNumber(captures[0])
            try registry.closeAccount(account)
            guard let closed = try registry.account(account) else {
                throw NationalRegistryError.unknownAccount(account)
            }
            return .json(AccountBody(closed))
        }
        if router.match("POST", "seed") != nil {
            let seed = try AdminJSON.decode(Seed.self, from: request.body)
            var blocks: [UnitBlock] = []
            for (index, block) in seed.blocks.enumerated() { blocks.append(try block.unitBlock(index: index)) }
            try registry.seed(blocks, into: seed.account)
            // Saturating: blocks of different originating registries may each be near the serial maximum.
            let units = blocks.reduce(Int64(0)) { total, block in
                let (sum, overflow) = total.addingReportingOverflow(block.quantity)
                return overflow ? Int64.max : sum
            }
            return .json(Seeded(account: seed.account, blocks: blocks.count, units: units), status: 201)
        }
        if router.match("POST", "proposals") != nil {
            return try await propose(try AdminJSON.decode(Proposal.self, from: request.body))
        }
        if let captures = router.match("GET", "transactions/*") {
            let identifier = try AdminJSON.transaction(captures[0])
            guard let record = try registry.transactionRecord(identifier) else {
                throw NationalRegistryError.unknownTransaction(identifier)
            }
            return .json(
                TransactionBody(
                    identifier: identifier.rawValue, status: record.status.rawValue,
                    responseCodes: record.responseCodes.map(\.rawValue)))
        }
        return router.unmatched
    }

    /// Reserves and sends the proposal; if the ITL refuses it or cannot be reached, the reservation is released at
    /// once (the ITL logged nothing, so no notification will ever end it) and the transaction is terminated.
    func propose(_ body: Proposal) async throws -> AdminResponse {
        let identifier = try body.transactionIdentifier.map { text throws(AdminInputError) in
            try AdminJSON.transaction(text)
        }
        let acquiring = try AdminJSON.registry(body.toRegistry, "toRegistry")
        guard (0...999).contains(body.toAccountType) else {
            throw AdminInputError("toAccountType \(body.toAccountType) is not a DES account type")
        }
        let proposal = try registry.proposeTransfer(
            identifier, from: body.fromAccount, quantity: body.quantity, to: acquiring,
            acquiringAccount: body.toAccountIdentifier, acquiringAccountType: AccountType(body.toAccountType))
        let transaction = proposal.proposedTransaction.transactionIdentifier
        let blocks = proposal.proposedTransaction.proposalUnitBlocks.map { AdminBlock($0.block) }
        let outcome = await proposals(proposal)
        guard case .answered(.acceptProposal(let answer)) = outcome else {
            try registry.abandonProposal(transaction, codes: [])
            let detail: String =
                switch outcome {
                case .fault(let text), .transient(let text), .failed(let text): text
                case .answered(let other): "unexpected answer \(other.operation)"
                }
            return .error(502, "the ITL did not take proposal \(transaction): \(detail); reservation released")
        }
        let codes = answer.result.responseCodes ?? []
        if !answer.result.isReceived { try registry.abandonProposal(transaction, codes: codes) }
        return .json(
            Proposed(
                transactionIdentifier: transaction.rawValue,
                result: Result(resultIdentifier: answer.result.resultIdentifier, responseCodes: codes.map(\.rawValue)),
                blocks: blocks))
    }

    static func accountNumber(_ text: String) throws(AdminInputError) -> Int64 {
        guard let number = Int64(text) else { throw AdminInputError("account '\(text)' is not an account number") }
        return number
    }
}
