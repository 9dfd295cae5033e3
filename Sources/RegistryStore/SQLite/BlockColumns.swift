import Foundation
import GRDB
import RegistryCore

/// The mapping between a `Placement` and a row of the blocks table, in one place so that every query selects the
/// same columns in the same order.
enum BlockColumns {
    /// The columns every block query selects, in the order `placement(from:)` reads them.
    static let selection = """
        originating_registry, serial_start, serial_end, location_kind, account, reserved_for, external_registry, \
        unit_type, supplementary_unit_type, original_commitment_period, applicable_commitment_period, \
        lulucf_activity, project, track, expiry_date
        """

    static let insert =
        "INSERT INTO blocks (\(selection)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

    static func arguments(for placement: Placement) -> StatementArguments {
        let block = placement.block
        let attributes = block.attributes
        var account: String?
        var reservedFor: String?
        var externalRegistry: String?
        switch placement.location {
        case .account(let id): account = id.shortForm
        case .reserved(let transaction): reservedFor = transaction.rawValue
        case .external(let registry): externalRegistry = registry.rawValue
        }
        return [
            attributes.originatingRegistry.rawValue, block.range.start, block.range.end,
            locationKind(placement.location), account, reservedFor, externalRegistry,
            attributes.unitType.rawValue, attributes.supplementaryUnitType,
            attributes.originalCommitmentPeriod.rawValue, attributes.applicableCommitmentPeriod.rawValue,
            attributes.lulucfActivity, attributes.project, attributes.track,
            attributes.expiryDate?.description,
        ]
    }

    static func locationKind(_ location: BlockLocation) -> String {
        switch location {
        case .account: "account"
        case .reserved: "reserved"
        case .external: "external"
        }
    }

    /// Reads a row selected with `selection`; a value that is not what the store writes is reported, not trapped.
    static func placement(from row: Row) throws -> Placement {
        do {
            let location: BlockLocation
            let kind: String = try row.decode(atIndex: 3)
            switch kind {
            case "account":
                location = .account(try AccountIdentifier(parsing: try row.decode(atIndex: 4)))
            case "reserved":
                location = .reserved(try TransactionIdentifier(try row.decode(atIndex: 5)))
            case "external":
                location = .external(try RegistryCode(try row.decode(atIndex: 6)))
            default:
                throw StoreError.unreadableRow(table: "blocks", detail: "unknown location kind '\(kind)'")
            }
            return Placement(location: location, block: try block(from: row))
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.unreadableRow(table: "blocks", detail: "\(error)")
        }
    }

    /// The block of a row selected with `selection`, wherever it sits.
    static func block(from row: Row) throws -> UnitBlock {
        try block(from: row, registry: { try RegistryCode($0) }, date: { try CalendarDate(parsing: $0) })
    }

    /// The block of a row, with the text parsers given (the verifier passes caching ones).
    static func block(
        from row: Row, registry: (String) throws -> RegistryCode, date: (String) throws -> CalendarDate
    ) throws -> UnitBlock {
        do {
            let unitTypeCode: Int = try row.decode(atIndex: 7)
            let originalCode: Int = try row.decode(atIndex: 9)
            let applicableCode: Int = try row.decode(atIndex: 10)
            guard let unitType = UnitType(rawValue: unitTypeCode) else {
                throw StoreError.unreadableRow(table: "blocks", detail: "unknown unit type \(unitTypeCode)")
            }
            guard let original = CommitmentPeriod(rawValue: originalCode),
                let applicable = CommitmentPeriod(rawValue: applicableCode)
            else {
                throw StoreError.unreadableRow(
                    table: "blocks", detail: "unknown commitment period \(originalCode)/\(applicableCode)")
            }
            let expiry: String? = try row.decode(atIndex: 14)
            let attributes = UnitAttributes(
                originatingRegistry: try registry(try row.decode(atIndex: 0)),
                unitType: unitType,
                supplementaryUnitType: try row.decode(atIndex: 8),
                originalCommitmentPeriod: original,
                applicableCommitmentPeriod: applicable,
                lulucfActivity: try row.decode(atIndex: 11),
                project: try row.decode(atIndex: 12),
                track: try row.decode(atIndex: 13),
                expiryDate: try expiry.map { text throws in try date(text) })
            let range = try SerialRange(try row.decode(atIndex: 1), try row.decode(atIndex: 2))
            return UnitBlock(range: range, attributes: attributes)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.unreadableRow(table: "blocks", detail: "\(error)")
        }
    }
}

/// Reads block rows like `BlockColumns.placement(from:)`, but remembers the account identifiers and registry codes
/// it has parsed: a verify of 10^6 blocks sees a handful of distinct values, and parsing each (check digits
/// included) per row was a large share of the scan. Memory grows with the number of accounts, not of blocks.
final class CachingBlockDecoder {
    private var accounts: [String: AccountIdentifier] = [:]
    private var registries: [String: RegistryCode] = [:]
    private var dates: [String: CalendarDate] = [:]

    func placement(from row: Row) throws -> Placement {
        do {
            let kind: String = try row.decode(atIndex: 3)
            let location: BlockLocation
            switch kind {
            case "account": location = .account(try account(try row.decode(atIndex: 4)))
            case "reserved": location = .reserved(try TransactionIdentifier(try row.decode(atIndex: 5)))
            case "external": location = .external(try registry(try row.decode(atIndex: 6)))
            default:
                throw StoreError.unreadableRow(table: "blocks", detail: "unknown location kind '\(kind)'")
            }
            let block = try BlockColumns.block(from: row, registry: registry, date: date)
            return Placement(location: location, block: block)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.unreadableRow(table: "blocks", detail: "\(error)")
        }
    }

    private func account(_ text: String) throws -> AccountIdentifier {
        if let known = accounts[text] { return known }
        let parsed = try AccountIdentifier(parsing: text)
        accounts[text] = parsed
        return parsed
    }

    private func registry(_ text: String) throws -> RegistryCode {
        if let known = registries[text] { return known }
        let parsed = try RegistryCode(text)
        registries[text] = parsed
        return parsed
    }

    private func date(_ text: String) throws -> CalendarDate {
        if let known = dates[text] { return known }
        let parsed = try CalendarDate(parsing: text)
        dates[text] = parsed
        return parsed
    }
}
