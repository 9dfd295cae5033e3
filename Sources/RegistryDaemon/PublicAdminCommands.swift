import Foundation
import RegistryAdmin
import RegistryAttestation
import RegistryCore
import RegistryPlatform
import RegistryStore

/// The admin socket's commands for attestations and the online platform's offers (docs/OPERATIONS.md).
struct PublicAdminCommands: Sendable {
    let attestations: AttestationService
    let store: SQLiteRegistryStore
    let platform: OnlinePlatform?

    static let changing: Set<String> = [
        "offer.create", "offer.withdraw", "attestation.issue", "order.refunded", "representative.add",
        "representative.revoke",
    ]
    static let commands: Set<String> = [
        "attestation.verify", "attestation.show", "attestation.document", "attestations.list", "attestation.issue",
        "offer.create", "offer.withdraw", "offers.list", "orders.list", "order.show", "order.refunded", "mail.list",
        "representative.add", "representative.revoke", "representatives.list",
    ]

    func run(_ request: AdminRequest) async throws -> JSONValue {
        let arguments = AdminArguments(request)
        switch request.command {
        case "attestation.verify":
            let document = try arguments.string("document")
            let attestation = try await attestations.verify(Array(document.utf8))
            return [
                "verified": true, "number": .string(attestation.number),
                "transaction": .string(attestation.transaction.rawValue), "quantity": .integer(attestation.quantity),
                "project": .integer(Int64(attestation.project.number)),
                "cancellationAccount": .string(attestation.cancellationAccount.description),
                "completedAt": .string(attestation.completedAt.formatted(.iso8601)),
            ]
        case "attestation.show", "attestation.document":
            let record: AttestationRecord?
            if let number = try arguments.optionalString("number") {
                record = try store.attestation(number: number)
            } else {
                record = try store.attestation(forTransaction: try RegistryAdminCommands.transaction(arguments))
            }
            guard let record else {
                throw AdminError(code: "unknown-attestation", message: "no attestation matches")
            }
            if request.command == "attestation.document" { return .string(record.document) }
            return [
                "number": .string(record.number), "transaction": .string(record.transaction.rawValue),
                "issuedAt": .string(record.issuedAt.formatted(.iso8601)), "document": .string(record.document),
            ]
        case "attestations.list":
            let limit = Int(try arguments.optionalInteger("limit") ?? 50)
            return .array(
                try store.attestations(limit: max(1, min(limit, 10_000))).map {
                    [
                        "number": .string($0.number), "transaction": .string($0.transaction.rawValue),
                        "issuedAt": .string($0.issuedAt.formatted(.iso8601)),
                    ]
                })
        case "attestation.issue":
            let id = try RegistryAdminCommands.transaction(arguments)
            guard let record = try await attestations.issue(for: id) else {
                throw AdminError(
                    code: "not-attestable", message: "\(id) is not a completed voluntary cancellation")
            }
            return ["number": .string(record.number), "transaction": .string(record.transaction.rawValue)]
        case "offer.create":
            let platform = try requirePlatform()
            let currency = try CurrencyCode(try arguments.string("currency"))
            let validText = try arguments.string("validUntil")
            guard let validUntil = Self.instant(validText) else {
                throw AdminError.invalidArgument(
                    "validUntil", command: request.command, "'\(validText)' is not an ISO 8601 date or instant")
            }
            let issuance: IssuanceIdentifier? =
                if let project = try arguments.optionalInteger("project"),
                    let number = try arguments.optionalInteger("issuance")
                { IssuanceIdentifier(project: Int(project), number: Int(number)) } else { nil }
            let offer = try await platform.createOffer(
                OfferRequest(
                    account: try RegistryAdminCommands.account(arguments, "account"), issuance: issuance,
                    instructedBy: try arguments.optionalString("instructedBy"),
                    seller: try arguments.string("seller"), quantity: try arguments.integer("quantity"),
                    pricePerUnit: try Money(parsing: try arguments.string("price"), currency: currency, field: "price"),
                    validUntil: validUntil))
            return offerJSON(offer, now: platform.now)
        case "offer.withdraw":
            let platform = try requirePlatform()
            return offerJSON(try await platform.withdrawOffer(try arguments.integer("offer")), now: platform.now)
        case "offers.list":
            let platform = try requirePlatform()
            let listing = try platform.offers(OfferFilter(page: 1, pageSize: OfferFilter.maximumPageSize))
            return .array(listing.offers.map { offerJSON($0, now: platform.now) })
        case "orders.list":
            // The platform's orders, newest first: what a buyer's question or a refund owed is about.
            let platform = try requirePlatform()
            let statusText = try arguments.optionalString("status")
            let status = try statusText.map { text in
                guard let status = OrderStatus(rawValue: text) else {
                    throw AdminError.invalidArgument(
                        "status", command: request.command,
                        "'\(text)' is not one of \(OrderStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return status
            }
            let limit = Int(try arguments.optionalInteger("limit") ?? 50)
            return .array(
                try platform.store.recentOrders(status: status, limit: max(1, min(limit, 10_000))).map(orderJSON))
        case "order.show":
            let platform = try requirePlatform()
            let id = try Self.orderNumber(arguments, request.command)
            guard let order = try platform.store.order(id: id) else {
                throw AdminError(code: "unknown-order", message: "there is no order PLT-\(id)")
            }
            guard case .object(var json) = orderJSON(order) else { return orderJSON(order) }
            json["email"] = .string(order.email)
            json["beneficiary"] = .string(order.beneficiary)
            json["purpose"] = .string(order.purpose)
            json["payment"] = order.paymentID.map { .string($0) } ?? .null
            json["refundedAt"] = order.refundedAt.map { .string($0.formatted(.iso8601)) } ?? .null
            json["mail"] = .array(
                try platform.store.mailQueue(limit: 10_000).filter { $0.orderID == id }.map { item in
                    [
                        "kind": .string(item.kind.rawValue),
                        "sentAt": item.sentAt.map { .string($0.formatted(.iso8601)) } ?? .null,
                        "lastError": item.lastError.map { .string($0) } ?? .null,
                    ]
                })
            return .object(json)
        case "order.refunded":
            let platform = try requirePlatform()
            let id = try Self.orderNumber(arguments, request.command)
            return orderJSON(try platform.markRefunded(id, note: try arguments.string("note")))
        case "representative.add":
            // The key is in this answer only: the platform keeps its SHA-256. Hand it to the representative.
            let platform = try requirePlatform()
            let (representative, key) = try platform.addRepresentative(
                account: try RegistryAdminCommands.account(arguments, "account"), name: try arguments.string("name"))
            guard case .object(var json) = representativeJSON(representative) else { return .null }
            json["key"] = .string(key)
            return .object(json)
        case "representative.revoke":
            let platform = try requirePlatform()
            return representativeJSON(try platform.revokeRepresentative(try arguments.integer("representative")))
        case "representatives.list":
            return .array(try requirePlatform().representatives().map(representativeJSON))
        case "mail.list":
            // The buyers' e-mails, newest first, sent or waiting, with the relay's last refusal.
            let platform = try requirePlatform()
            let limit = Int(try arguments.optionalInteger("limit") ?? 50)
            return .array(
                try platform.store.mailQueue(limit: max(1, min(limit, 10_000))).map { item in
                    [
                        "mail": .integer(item.id), "order": .string("PLT-\(item.orderID)"),
                        "kind": .string(item.kind.rawValue), "queuedAt": .string(item.queuedAt.formatted(.iso8601)),
                        "attempts": .integer(Int64(item.attempts)),
                        "sentAt": item.sentAt.map { .string($0.formatted(.iso8601)) } ?? .null,
                        "nextAttemptAt": item.sentAt == nil ? .string(item.nextAttemptAt.formatted(.iso8601)) : .null,
                        "lastError": item.lastError.map { .string($0) } ?? .null,
                    ]
                })
        default:
            throw AdminError.unknownCommand(request.command)
        }
    }

    /// `PLT-42` or `42`.
    static func orderNumber(_ arguments: AdminArguments, _ command: String) throws -> Int64 {
        let text = try arguments.string("order")
        let digits = text.uppercased().hasPrefix("PLT-") ? String(text.dropFirst(4)) : text
        guard let id = Int64(digits), id > 0 else {
            throw AdminError.invalidArgument("order", command: command, "'\(text)' is not an order number like PLT-42")
        }
        return id
    }

    private func representativeJSON(_ representative: Representative) -> JSONValue {
        [
            "representative": .integer(representative.id), "account": .string(representative.account.description),
            "name": .string(representative.name), "createdAt": .string(representative.createdAt.formatted(.iso8601)),
            "revokedAt": representative.revokedAt.map { .string($0.formatted(.iso8601)) } ?? .null,
        ]
    }

    private func orderJSON(_ order: Order) -> JSONValue {
        [
            "order": .string(order.number), "status": .string(order.status.rawValue), "offer": .integer(order.offerID),
            "quantity": .integer(order.quantity), "amount": .string(order.amount.description),
            "createdAt": .string(order.createdAt.formatted(.iso8601)),
            "paidAt": order.paidAt.map { .string($0.formatted(.iso8601)) } ?? .null,
            "transaction": order.transaction.map { .string($0.rawValue) } ?? .null,
            "failure": order.failure.map { .string($0) } ?? .null,
            "refund": order.refundID.map { .string($0) } ?? .null,
        ]
    }

    private func requirePlatform() throws -> OnlinePlatform {
        guard let platform else {
            throw AdminError(
                code: "platform-disabled", message: "the online platform is not configured ([platform] section)")
        }
        return platform
    }

    private func offerJSON(_ offer: Offer, now: Date) -> JSONValue {
        [
            "offer": .integer(offer.id), "status": .string(offer.status.rawValue), "seller": .string(offer.seller),
            "account": .string(offer.account.description), "hold": .string(offer.units.hold.rawValue),
            "project": .integer(Int64(offer.units.project)), "unitType": .string("\(offer.units.unitType)"),
            "commitmentPeriod": .integer(Int64(offer.units.commitmentPeriod.rawValue)),
            "vintage": .integer(Int64(offer.units.vintage)), "quantity": .integer(offer.quantity),
            "available": .integer(offer.available(at: now)), "held": .integer(offer.held), "sold": .integer(offer.sold),
            "price": .string(offer.pricePerUnit.description),
            "validUntil": .string(offer.validUntil.formatted(.iso8601)),
        ]
    }

    static func instant(_ text: String) -> Date? {
        if let date = ISO8601DateFormatter().date(from: text) { return date }
        return (try? CalendarDate(parsing: text)).map(OfferRequest.lastSecond(of:))
    }
}
