import Foundation
import GRDB
import RegistryCore

/// Reading offers and orders back from their rows; a row that does not decode is reported as a store failure
/// naming the row, never trapped.
extension PlatformStore {
    static func offer(from row: Row) throws(PlatformError) -> Offer {
        let id: Int64 = row["id"]
        do {
            let account = try AccountIdentifier(parsing: row["account"])
            let hold = try TransactionIdentifier(row["hold"] as String)
            let currency = try CurrencyCode(row["currency"])
            guard let unitType = UnitType(rawValue: row["unit_type"]),
                let period = CommitmentPeriod(rawValue: row["commitment_period"]),
                let status = OfferStatus(rawValue: row["status"])
            else { throw PlatformError.store("offer \(id): unknown unit type, period or status") }
            var issuance: IssuanceIdentifier?
            if let project: Int = row["issuance_project"], let number: Int = row["issuance_number"] {
                issuance = IssuanceIdentifier(project: project, number: number)
            }
            let units = HeldUnits(
                hold: hold, quantity: row["quantity"], project: row["project"], projectTitle: row["project_title"],
                projectType: row["project_type"], hostParty: row["host_party"], unitType: unitType,
                commitmentPeriod: period, vintage: row["vintage"])
            return Offer(
                id: id, account: account, issuance: issuance, instructedBy: row["instructed_by"],
                seller: row["seller"], units: units,
                pricePerUnit: Money(minorUnits: row["price_minor"], currency: currency),
                validUntil: Date(timeIntervalSince1970: row["valid_until"]),
                createdAt: Date(timeIntervalSince1970: row["created_at"]), status: status,
                endedAt: (row["ended_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                held: row["held"], sold: row["sold"], released: row["released"], releasing: row["releasing"],
                returned: row["returned"])
        } catch let error as PlatformError {
            throw error
        } catch {
            throw .store("offer \(id) does not decode: \(error)")
        }
    }

    static func order(from row: Row) throws(PlatformError) -> Order {
        let id: Int64 = row["id"]
        do {
            let currency = try CurrencyCode(row["currency"])
            guard let status = OrderStatus(rawValue: row["status"]) else {
                throw PlatformError.store("order \(id): unknown status")
            }
            let transaction = try (row["transaction_id"] as String?).map { text throws in
                try TransactionIdentifier(text)
            }
            func date(_ column: String) -> Date? { (row[column] as Double?).map(Date.init(timeIntervalSince1970:)) }
            return Order(
                id: id, token: row["token"], offerID: row["offer_id"], quantity: row["quantity"],
                pricePerUnit: Money(minorUnits: row["price_minor"], currency: currency),
                amount: Money(minorUnits: row["amount_minor"], currency: currency), beneficiary: row["beneficiary"],
                purpose: row["purpose"], email: row["email"], status: status,
                createdAt: Date(timeIntervalSince1970: row["created_at"]),
                expiresAt: Date(timeIntervalSince1970: row["expires_at"]), paymentID: row["payment_id"],
                paymentURL: row["payment_url"], paidAt: date("paid_at"), transaction: transaction,
                completedAt: date("completed_at"), failure: row["failure"], endedAt: date("ended_at"),
                refundID: row["refund_id"], refundedAt: date("refunded_at"))
        } catch let error as PlatformError {
            throw error
        } catch {
            throw .store("order \(id) does not decode: \(error)")
        }
    }

    static func fetchOffer(_ db: Database, id: Int64) throws -> Offer? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM offers WHERE id = ?", arguments: [id]) else {
            return nil
        }
        return try offer(from: row)
    }

    static func fetchOrder(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> Order? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM orders WHERE \(condition)", arguments: arguments)
        else { return nil }
        return try order(from: row)
    }
}
