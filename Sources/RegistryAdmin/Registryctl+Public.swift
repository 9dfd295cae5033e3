import ArgumentParser
import Foundation

/// registryctl's commands for attestations of voluntary cancellation and the online platform's offers.
extension Registryctl {
    struct Attestation: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify, show and list attestations of voluntary cancellation.",
            subcommands: [Verify.self, Show.self, Document.self, List.self])

        struct Verify: RegistryctlRequestCommand {
            static let configuration = CommandConfiguration(
                abstract: "Check an attestation file: its signature, and that the ledger holds the cancellation.",
                discussion: "Exit status 0: genuine and in the ledger; 1: it is not (the reason is printed).")
            @OptionGroup var options: RegistryctlOptions
            @Argument(help: "The attestation document (the signed HTML file).") var file: String
            func adminRequest() throws -> (command: String, arguments: [String: JSONValue]) {
                let data: Data
                do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
                    throw ValidationError("cannot read \(file): \(error.localizedDescription)")
                }
                // Sent as text: a document that is not UTF-8 was changed, and the daemon's check says so.
                return ("attestation.verify", ["document": .string(String(decoding: data, as: UTF8.self))])
            }
        }

        struct Show: RegistryctlRequestCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show an attestation by number or by its cancellation's transaction.")
            @OptionGroup var options: RegistryctlOptions
            @Argument(help: "The attestation number (CDM-VC-...) or the transaction identifier.") var key: String
            func validate() throws { try RegistryctlCheck.notEmpty(key, "KEY") }
            func adminRequest() -> (command: String, arguments: [String: JSONValue]) {
                ("attestation.show", Registryctl.attestationKey(key))
            }
        }

        struct Document: RegistryctlRequestCommand {
            static let configuration = CommandConfiguration(
                abstract: "Print an attestation's signed HTML document (redirect it to a file to keep or print).")
            @OptionGroup var options: RegistryctlOptions
            @Argument(help: "The attestation number (CDM-VC-...) or the transaction identifier.") var key: String
            func validate() throws { try RegistryctlCheck.notEmpty(key, "KEY") }
            func adminRequest() -> (command: String, arguments: [String: JSONValue]) {
                ("attestation.document", Registryctl.attestationKey(key))
            }
        }

        struct List: RegistryctlRequestCommand {
            static let configuration = CommandConfiguration(abstract: "List attestations, newest first.")
            @OptionGroup var options: RegistryctlOptions
            @Option(help: "At most this many.") var limit: Int64?
            func validate() throws { if let limit { try RegistryctlCheck.positive(limit, "--limit") } }
            func adminRequest() -> (command: String, arguments: [String: JSONValue]) {
                ("attestations.list", limit.map { ["limit": .integer($0)] } ?? [:])
            }
        }
    }

    static func attestationKey(_ key: String) -> [String: JSONValue] {
        key.uppercased().hasPrefix("CDM-VC-") ? ["number": .string(key)] : ["transaction": .string(key)]
    }

    struct Offer: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Offers of units on the online cancellation platform, entered for their holders.",
            subcommands: [Create.self, Withdraw.self, List.self])

        struct Create: RegistryctlRequestCommand {
            static let configuration = CommandConfiguration(
                abstract: "Offer units of an account for voluntary cancellation; they are held until sold or withdrawn.")
            @OptionGroup var options: RegistryctlOptions
            @Option(help: "The holding account (or the pending account with --project and --issuance).") var account: String
            @Option(help: "The name buyers see.") var seller: String
            @Option(help: "How many units.") var quantity: Int64
            @Option(help: "Price per unit, e.g. 4.50.") var price: String
            @Option(help: "ISO 4217 currency code, e.g. EUR.") var currency: String
            @Option(help: "Last day (YYYY-MM-DD) or instant (ISO 8601) of the offer.") var validUntil: String
            @Option(help: "For the pending account: the project number.") var project: Int64?
            @Option(help: "For the pending account: the issuance number.") var issuance: Int64?
            @Option(help: "For the pending account: the instructing project participant.") var instructedBy: String?
            func validate() throws {
                try RegistryctlCheck.notEmpty(account, "--account")
                try RegistryctlCheck.notEmpty(seller, "--seller")
                try RegistryctlCheck.positive(quantity, "--quantity")
                if (project == nil) != (issuance == nil) {
                    throw ValidationError("--project and --issuance go together")
                }
            }
            func adminRequest() -> (command: String, arguments: [String: JSONValue]) {
                var arguments: [String: JSONValue] = [
                    "account": .string(account), "seller": .string(seller), "quantity": .integer(quantity),
                    "price": .string(price), "currency": .string(currency), "validUntil": .string(validUntil),
                ]
                if let project { arguments["project"] = .integer(project) }
                if let issuance { arguments["issuance"] = .integer(issuance) }
                if let instructedBy { arguments["instructedBy"] = .string(instructedBy) }
                return ("offer.create", arguments)
            }
        }

        struct Withdraw: RegistryctlRequestCommand {
            static let configuration = CommandConfiguration(
                abstract: "Withdraw an offer: what is unsold and not held by an order goes back to the account.")
            @OptionGroup var options: RegistryctlOptions
            @Argument(help: "The offer number.") var offer: Int64
            func validate() throws { try RegistryctlCheck.positive(offer, "OFFER") }
            func adminRequest() -> (command: String, arguments: [String: JSONValue]) {
                ("offer.withdraw", ["offer": .integer(offer)])
            }
        }

        struct List: RegistryctlRequestCommand {
            static let configuration = CommandConfiguration(abstract: "List the open offers.")
            @OptionGroup var options: RegistryctlOptions
            func adminRequest() -> (command: String, arguments: [String: JSONValue]) { ("offers.list", [:]) }
        }
    }

    struct Orders: RegistryctlRequestCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the online platform's orders, newest first (a buyer's question, a refund owed).")
        @OptionGroup var options: RegistryctlOptions
        @Option(help: "Only this status, e.g. refund-due, cancellation-failed, refunded.") var status: String?
        @Option(help: "At most this many (default 50).") var limit: Int64?
        func validate() throws {
            if let status { try RegistryctlCheck.notEmpty(status, "--status") }
            if let limit { try RegistryctlCheck.positive(limit, "--limit") }
        }
        func adminRequest() -> (command: String, arguments: [String: JSONValue]) {
            var arguments: [String: JSONValue] = [:]
            if let status { arguments["status"] = .string(status) }
            if let limit { arguments["limit"] = .integer(limit) }
            return ("orders.list", arguments)
        }
    }

    struct Order: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one order of the online platform, or record a refund made outside the payment provider.",
            subcommands: [Show.self, Refunded.self])

        struct Show: RegistryctlRequestCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show an order: buyer, amount, status, transaction, refund and its e-mails.")
            @OptionGroup var options: RegistryctlOptions
            @Argument(help: "The order number, e.g. PLT-42.") var order: String
            func validate() throws { try RegistryctlCheck.notEmpty(order, "ORDER") }
            func adminRequest() -> (command: String, arguments: [String: JSONValue]) {
                ("order.show", ["order": .string(order)])
            }
        }

        struct Refunded: RegistryctlRequestCommand {
            static let configuration = CommandConfiguration(
                abstract: "Record that an order owed a refund was refunded outside the provider (e.g. bank transfer).",
                discussion: "Only for orders in refund-due or cancellation-failed; the buyer's e-mail says so.")
            @OptionGroup var options: RegistryctlOptions
            @Argument(help: "The order number, e.g. PLT-42.") var order: String
            @Option(help: "How it was refunded (kept as the refund's reference).") var note: String
            func validate() throws {
                try RegistryctlCheck.notEmpty(order, "ORDER")
                try RegistryctlCheck.notEmpty(note, "--note")
            }
            func adminRequest() -> (command: String, arguments: [String: JSONValue]) {
                ("order.refunded", ["order": .string(order), "note": .string(note)])
            }
        }
    }

    struct Representative: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Holding accounts' representatives, who sign in to the platform at /holder to offer units.",
            subcommands: [Add.self, List.self, Revoke.self])

        struct Add: RegistryctlRequestCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add a representative of a holding account; prints their sign-in key, shown this once.")
            @OptionGroup var options: RegistryctlOptions
            @Option(help: "The holding account, e.g. CDM-100-5001-0.") var account: String
            @Option(help: "The name buyers see as the seller of their offers.") var name: String
            func validate() throws {
                try RegistryctlCheck.notEmpty(account, "--account")
                try RegistryctlCheck.notEmpty(name, "--name")
            }
            func adminRequest() -> (command: String, arguments: [String: JSONValue]) {
                ("representative.add", ["account": .string(account), "name": .string(name)])
            }
        }

        struct List: RegistryctlRequestCommand {
            static let configuration = CommandConfiguration(abstract: "List the representatives, revoked included.")
            @OptionGroup var options: RegistryctlOptions
            func adminRequest() -> (command: String, arguments: [String: JSONValue]) { ("representatives.list", [:]) }
        }

        struct Revoke: RegistryctlRequestCommand {
            static let configuration = CommandConfiguration(
                abstract: "Revoke a representative: their key stops working and their sessions end at once.")
            @OptionGroup var options: RegistryctlOptions
            @Argument(help: "The representative's number.") var representative: Int64
            func validate() throws { try RegistryctlCheck.positive(representative, "REPRESENTATIVE") }
            func adminRequest() -> (command: String, arguments: [String: JSONValue]) {
                ("representative.revoke", ["representative": .integer(representative)])
            }
        }
    }

    struct Mail: RegistryctlRequestCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the e-mails to buyers, newest first: sent, or waiting with the relay's last refusal.")
        @OptionGroup var options: RegistryctlOptions
        @Option(help: "At most this many (default 50).") var limit: Int64?
        func validate() throws { if let limit { try RegistryctlCheck.positive(limit, "--limit") } }
        func adminRequest() -> (command: String, arguments: [String: JSONValue]) {
            ("mail.list", limit.map { ["limit": .integer($0)] } ?? [:])
        }
    }
}
