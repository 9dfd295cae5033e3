import Foundation
import GRDB
import RegistryCore

/// Canonical JSON for the records the store keeps whole (projects, issuances, reservations, journal payloads):
/// sorted keys, so equal values give equal bytes and a journal hash never depends on dictionary order.
enum CanonicalJSON {
    static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    static func decode<Value: Decodable>(_ type: Value.Type, from data: Data, table: String) throws
        -> Value
    {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw StoreError.unreadableRow(table: table, detail: "\(error)")
        }
    }
}

/// The mapping between an `Account` and a row of the accounts table.
enum AccountColumns {
    static let selection = "identifier, name, kind, associated_registry, state"

    static let upsert = """
        INSERT INTO accounts (identifier, registry, type, number, commitment_period, name, kind, associated_registry, \
        state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (identifier) DO UPDATE SET name = excluded.name, kind = excluded.kind,
            associated_registry = excluded.associated_registry, state = excluded.state
        """

    static func arguments(for account: Account) -> StatementArguments {
        let id = account.identifier
        let kind: String
        var associated: String?
        switch account.kind {
        case .permanentHolding: kind = "permanentHolding"
        case .temporaryHolding(let registry):
            kind = "temporaryHolding"
            associated = registry.rawValue
        case .registryOperated: kind = "registryOperated"
        }
        return [
            id.shortForm, id.registry.rawValue, id.type.rawValue, id.id, id.commitmentPeriod,
            account.name, kind,
            associated, account.state.rawValue,
        ]
    }

    static func account(from row: Row) throws -> Account {
        do {
            let identifier = try AccountIdentifier(parsing: try row.decode(atIndex: 0))
            let kindText: String = try row.decode(atIndex: 2)
            let kind: AccountKind
            switch kindText {
            case "permanentHolding": kind = .permanentHolding
            case "registryOperated": kind = .registryOperated
            case "temporaryHolding":
                kind = .temporaryHolding(associatedRegistry: try RegistryCode(try row.decode(atIndex: 3)))
            default:
                throw StoreError.unreadableRow(
                    table: "accounts", detail: "unknown account kind '\(kindText)'")
            }
            let stateText: String = try row.decode(atIndex: 4)
            guard let state = AccountState(rawValue: stateText) else {
                throw StoreError.unreadableRow(
                    table: "accounts", detail: "unknown account state '\(stateText)'")
            }
            return Account(
                identifier: identifier, name: try row.decode(atIndex: 1), kind: kind, state: state)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.unreadableRow(table: "accounts", detail: "\(error)")
        }
    }
}
