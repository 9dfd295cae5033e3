import Foundation
import RegistryCore

/// The attestation of voluntary cancellation the CDM registry issues for every completed cancellation (transaction
/// type 4) into a voluntary cancellation account (type 230) (DOMAIN.md section 5).
///
/// Unit types and commitment periods are summaries over the blocks, kept as sorted lists without repeats: one
/// cancellation may mix CERs with tCERs, or CP1 with CP2 units, and the printed page must not pretend otherwise.
/// The commitment periods are the units' original ones (their vintage); each block also gives its applicable one.
/// Instants are whole seconds (see `AttestationTime`) and blocks are in take order (registry, then serial), so
/// that equal facts make equal attestations and byte-identical documents.
public struct Attestation: Hashable, Sendable, Codable {
    public let number: String
    public let issuedAt: Date
    public let transaction: TransactionIdentifier
    public let completedAt: Date
    public let quantity: Int64
    public let blocks: [AttestedBlock]
    public let project: AttestedProject
    /// The host Party of the project (ISO 3166 alpha-2 code of its registry).
    public let hostCountry: RegistryCode
    public let unitTypes: [UnitType]
    public let commitmentPeriods: [CommitmentPeriod]
    /// The holder, or the platform's buyer, on whose behalf the units were cancelled.
    public let onBehalfOf: String
    /// A third party the cancellation is made for, when not the holder itself.
    public let beneficiary: String?
    public let purpose: String?
    public let cancellationAccount: AccountIdentifier
    /// The issuing registry as printed, e.g. "CDM Registry".
    public let registryName: String

    /// Limits that keep every attestation readable on printed pages and refuse pasted garbage early.
    public static let nameLimit = 200
    public static let titleLimit = 500
    public static let purposeLimit = 1000

    /// An attestation of the cancelled `blocks`; the quantity and summaries are derived from them.
    public init(
        number: String, issuedAt: Date, transaction: TransactionIdentifier, completedAt: Date, blocks: [UnitBlock],
        project: AttestedProject, hostCountry: RegistryCode, onBehalfOf: String, beneficiary: String?,
        purpose: String?, cancellationAccount: AccountIdentifier, registryName: String
    ) throws(AttestationFactError) {
        try self.init(
            validating: number, issuedAt: issuedAt, transaction: transaction, completedAt: completedAt,
            blocks: blocks.map(AttestedBlock.init), project: project, hostCountry: hostCountry,
            onBehalfOf: onBehalfOf, beneficiary: beneficiary, purpose: purpose,
            cancellationAccount: cancellationAccount, registryName: registryName)
    }

    /// The same, with the project's number, title and host Party taken from the registry's project record.
    public init(
        number: String, issuedAt: Date, transaction: TransactionIdentifier, completedAt: Date, blocks: [UnitBlock],
        project: Project, onBehalfOf: String, beneficiary: String?, purpose: String?,
        cancellationAccount: AccountIdentifier, registryName: String
    ) throws(AttestationFactError) {
        try self.init(
            number: number, issuedAt: issuedAt, transaction: transaction, completedAt: completedAt, blocks: blocks,
            project: AttestedProject(number: project.number, title: project.title), hostCountry: project.hostParty,
            onBehalfOf: onBehalfOf, beneficiary: beneficiary, purpose: purpose,
            cancellationAccount: cancellationAccount, registryName: registryName)
    }

    /// `CDM-VC-2026-000001`: the year of issue and a sequence number, at least six digits, counted by the caller.
    public static func number(sequence: Int, year: Int) throws(AttestationFactError) -> String {
        guard sequence >= 1 else { throw .badSequence(sequence) }
        guard (2012...9999).contains(year) else { throw .badYear(year) }
        let digits = String(sequence)
        return "CDM-VC-\(year)-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// The year and sequence of a well-formed attestation number.
    public static func parseNumber(_ number: String) throws(AttestationFactError) -> (year: Int, sequence: Int) {
        let parts = number.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "CDM", parts[1] == "VC", parts[2].utf8.count == 4,
            parts[3].utf8.count >= 6, parts[3].utf8.count <= 18,
            parts[2].utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), parts[3].utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
            let year = Int(parts[2]), let sequence = Int(parts[3]),
            (try? Self.number(sequence: sequence, year: year)) == number
        else { throw .malformedNumber(number) }
        return (year, sequence)
    }

    init(
        validating number: String, issuedAt: Date, transaction: TransactionIdentifier, completedAt: Date,
        blocks unsorted: [AttestedBlock], project: AttestedProject, hostCountry: RegistryCode, onBehalfOf: String,
        beneficiary: String?, purpose: String?, cancellationAccount: AccountIdentifier, registryName: String
    ) throws(AttestationFactError) {
        _ = try Self.parseNumber(number)
        guard cancellationAccount.type == .voluntaryCancellation else {
            throw .notVoluntaryCancellationAccount(cancellationAccount.description)
        }
        guard project.number >= 1 else { throw .badProjectNumber(project.number) }
        try Self.check("project title", project.title, limit: Self.titleLimit)
        try Self.check("on behalf of", onBehalfOf, limit: Self.nameLimit)
        try Self.check("registry name", registryName, limit: Self.nameLimit)
        if let beneficiary { try Self.check("beneficiary", beneficiary, limit: Self.nameLimit) }
        if let purpose { try Self.check("purpose", purpose, limit: Self.purposeLimit, allowsNewlines: true) }
        let issued = AttestationTime.wholeSeconds(issuedAt)
        let completed = AttestationTime.wholeSeconds(completedAt)
        // Compared as numbers: Date's `>=` is `!(<)`, which a NaN instant would pass.
        for (field, date) in [("issue time", issued), ("completion time", completed)]
        where !AttestationTime.representable.contains(date.timeIntervalSince1970) {
            throw .timeOutOfRange(field: field)
        }
        guard issued >= completed else { throw .issuedBeforeCompletion }

        let blocks = unsorted.sorted { lhs, rhs in
            (lhs.originatingRegistry, lhs.range.start) < (rhs.originatingRegistry, rhs.range.start)
        }
        guard !blocks.isEmpty else { throw .noBlocks }
        var total: Int64 = 0
        for (index, block) in blocks.enumerated() {
            guard block.unitType.isCDMUnit else {
                throw .notCDMUnits(block: Self.name(block), unitType: block.unitType)
            }
            if let blockProject = block.project, blockProject != project.number {
                throw .blockFromOtherProject(
                    block: Self.name(block), blockProject: blockProject, project: project.number)
            }
            if index > 0, blocks[index - 1].originatingRegistry == block.originatingRegistry,
                blocks[index - 1].range.overlaps(block.range)
            {
                throw .overlappingBlocks(Self.name(blocks[index - 1]), Self.name(block))
            }
            let (sum, overflow) = total.addingReportingOverflow(block.quantity)
            guard !overflow else { throw .quantityOverflow }
            total = sum
        }
        self.number = number
        self.issuedAt = issued
        self.transaction = transaction
        self.completedAt = completed
        self.quantity = total
        self.blocks = blocks
        self.project = project
        self.hostCountry = hostCountry
        self.unitTypes = Set(blocks.map(\.unitType)).sorted { $0.rawValue < $1.rawValue }
        self.commitmentPeriods = Set(blocks.map(\.originalCommitmentPeriod)).sorted()
        self.onBehalfOf = onBehalfOf
        self.beneficiary = beneficiary
        self.purpose = purpose
        self.cancellationAccount = cancellationAccount
        self.registryName = registryName
    }

    private static func name(_ block: AttestedBlock) -> String { "\(block.originatingRegistry):\(block.range)" }

    /// Printable text only: no control characters (a newline only where paragraphs make sense), not blank.
    private static func check(_ field: String, _ text: String, limit: Int, allowsNewlines: Bool = false)
        throws(AttestationFactError)
    {
        guard !text.allSatisfy(\.isWhitespace) else { throw .emptyText(field: field) }
        guard text.count <= limit else { throw .textTooLong(field: field, limit: limit) }
        for scalar in text.unicodeScalars where scalar.properties.generalCategory == .control {
            if allowsNewlines, scalar == "\n" { continue }
            throw .controlCharacter(field: field)
        }
    }

    // MARK: Codable

    private enum CodingKeys: String, CodingKey {
        case number, issuedAt, transaction, completedAt, quantity, blocks, project, hostCountry, unitTypes,
            commitmentPeriods, onBehalfOf, beneficiary, purpose, cancellationAccount, registryName
    }

    /// Decodes and re-derives: decoded data that breaks a rule the initializer enforces, or whose quantity and
    /// summaries disagree with its blocks, is refused.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let accountText = try container.decode(String.self, forKey: .cancellationAccount)
        let account: AccountIdentifier
        do { account = try AccountIdentifier(parsing: accountText) } catch {
            throw DecodingError.dataCorruptedError(
                forKey: .cancellationAccount, in: container, debugDescription: error.description)
        }
        do {
            try self.init(
                validating: try container.decode(String.self, forKey: .number),
                issuedAt: try container.decode(Date.self, forKey: .issuedAt),
                transaction: try container.decode(TransactionIdentifier.self, forKey: .transaction),
                completedAt: try container.decode(Date.self, forKey: .completedAt),
                blocks: try container.decode([AttestedBlock].self, forKey: .blocks),
                project: try container.decode(AttestedProject.self, forKey: .project),
                hostCountry: try container.decode(RegistryCode.self, forKey: .hostCountry),
                onBehalfOf: try container.decode(String.self, forKey: .onBehalfOf),
                beneficiary: try container.decodeIfPresent(String.self, forKey: .beneficiary),
                purpose: try container.decodeIfPresent(String.self, forKey: .purpose),
                cancellationAccount: account,
                registryName: try container.decode(String.self, forKey: .registryName))
        } catch let error as AttestationFactError {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: container.codingPath, debugDescription: error.description))
        }
        let derived: [(CodingKeys, Bool)] = [
            (.quantity, try container.decode(Int64.self, forKey: .quantity) == quantity),
            (.unitTypes, try container.decode([UnitType].self, forKey: .unitTypes) == unitTypes),
            (
                .commitmentPeriods,
                try container.decode([CommitmentPeriod].self, forKey: .commitmentPeriods)
                    == commitmentPeriods
            ),
            (.blocks, try container.decode([AttestedBlock].self, forKey: .blocks) == blocks),
        ]
        for (key, agrees) in derived where !agrees {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container, debugDescription: "\(key.stringValue) does not agree with the blocks")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(number, forKey: .number)
        try container.encode(issuedAt, forKey: .issuedAt)
        try container.encode(transaction, forKey: .transaction)
        try container.encode(completedAt, forKey: .completedAt)
        try container.encode(quantity, forKey: .quantity)
        try container.encode(blocks, forKey: .blocks)
        try container.encode(project, forKey: .project)
        try container.encode(hostCountry, forKey: .hostCountry)
        try container.encode(unitTypes, forKey: .unitTypes)
        try container.encode(commitmentPeriods, forKey: .commitmentPeriods)
        try container.encode(onBehalfOf, forKey: .onBehalfOf)
        try container.encodeIfPresent(beneficiary, forKey: .beneficiary)
        try container.encodeIfPresent(purpose, forKey: .purpose)
        try container.encode(cancellationAccount.description, forKey: .cancellationAccount)
        try container.encode(registryName, forKey: .registryName)
    }
}
