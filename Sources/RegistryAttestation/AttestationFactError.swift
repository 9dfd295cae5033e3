import RegistryCore

/// Why the facts given for an attestation cannot make one: each case names the fact and what is wrong with it.
public enum AttestationFactError: Error, Hashable, Sendable, CustomStringConvertible {
    case badSequence(Int)
    case badYear(Int)
    case malformedNumber(String)
    case noBlocks
    case notCDMUnits(block: String, unitType: UnitType)
    case blockFromOtherProject(block: String, blockProject: Int, project: Int)
    case overlappingBlocks(String, String)
    case quantityOverflow
    case notVoluntaryCancellationAccount(String)
    case emptyText(field: String)
    case textTooLong(field: String, limit: Int)
    case controlCharacter(field: String)
    case timeOutOfRange(field: String)
    case issuedBeforeCompletion
    case badProjectNumber(Int)
    case inconsistent(String)

    public var description: String {
        switch self {
        case .badSequence(let sequence): "attestation sequence number \(sequence) is not positive"
        case .badYear(let year): "attestation year \(year) is outside 2012...9999 (voluntary cancellation began 2012)"
        case .malformedNumber(let number): "'\(number)' is not an attestation number like CDM-VC-2026-000001"
        case .noBlocks: "an attestation needs at least one cancelled block"
        case .notCDMUnits(let block, let unitType):
            "block \(block) holds \(unitType) units; only CERs, tCERs and lCERs are voluntarily cancelled"
        case .blockFromOtherProject(let block, let blockProject, let project):
            "block \(block) was issued for project \(blockProject), not the attested project \(project)"
        case .overlappingBlocks(let first, let second): "blocks \(first) and \(second) overlap"
        case .quantityOverflow: "the blocks' total quantity exceeds a 64-bit integer"
        case .notVoluntaryCancellationAccount(let account):
            "account \(account) is not a voluntary cancellation account (type 230)"
        case .emptyText(let field): "\(field) is empty (leave it out instead)"
        case .textTooLong(let field, let limit): "\(field) is longer than \(limit) characters"
        case .controlCharacter(let field): "\(field) contains a control character"
        case .timeOutOfRange(let field): "\(field) is outside 1970-01-01...9999-12-31"
        case .issuedBeforeCompletion: "the attestation would be issued before the cancellation completed"
        case .badProjectNumber(let number): "project number \(number) is not positive"
        case .inconsistent(let detail): detail
        }
    }
}
