import ArgumentParser

/// A registryctl subcommand that becomes one admin request.
protocol RegistryctlRequestCommand: ParsableCommand {
    var options: RegistryctlOptions { get }
    /// The admin command and its arguments; argument names are the wire names of docs/OPERATIONS.md.
    func adminRequest() throws -> (command: String, arguments: [String: JSONValue])
}

/// The operator's command line for a running cdm-registryd, over its local admin socket.
public struct Registryctl: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "registryctl",
        abstract: "Operate a running cdm-registryd through its local admin socket.",
        discussion: """
            Exit status: 0 done, 1 the daemon refused the command, 2 usage error, 3 cannot reach the daemon.
            Try `registryctl status` first.
            """,
        subcommands: [
            Status.self, Accounts.self, Account.self, Project.self, Issue.self, SopAdmin.self, Forward.self,
            Transfer.self, Cancel.self, Transactions.self, Transaction.self, Queue.self, Outbox.self, Peer.self,
            Retry.self, Journal.self, Reconciliation.self, Notices.self, Messages.self, Attestation.self, Offer.self,
            Orders.self, Order.self, Representative.self, Mail.self, Verify.self, Call.self,
        ])

    @OptionGroup public var options: RegistryctlOptions

    public init() {}

    struct Status: RegistryctlRequestCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the daemon's version, uptime, store, peers and queue depth.")
        @OptionGroup var options: RegistryctlOptions
        func adminRequest() -> (command: String, arguments: [String: JSONValue]) { ("status", [:]) }
    }

    struct Accounts: RegistryctlRequestCommand {
        static let configuration = CommandConfiguration(abstract: "List the accounts with their balances.")
        @OptionGroup var options: RegistryctlOptions
        func adminRequest() -> (command: String, arguments: [String: JSONValue]) { ("accounts.list", [:]) }
    }

    struct Account: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show, list the blocks of, or open one account.", subcommands: [Show.self, Blocks.self, Open.self])

        struct Show: RegistryctlRequestCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show an account's holdings by unit type and commitment period.")
            @OptionGroup var options: RegistryctlOptions
            @Argument(help: "The account identifier, e.g. CDM-100-1-2-57.") var account: String
            func validate() throws { try RegistryctlCheck.notEmpty(account, "ACCOUNT") }
            func adminRequest() -> (command: String, arguments: [String: JSONValue]) {
                ("account.show", ["account": .string(account)])
            }
        }

        struct Blocks: RegistryctlRequestCommand {
            static let configuration = CommandConfiguration(
                abstract: "List the serial blocks an account holds and can move, in the ledger's take order.",
                discussion: "A page at a time: the answer's 'next' is the --after of the following page.")
            @OptionGroup var options: RegistryctlOptions
            @Argument(help: "The account identifier, e.g. CDM-100-5001-2.") var account: String
            @Option(help: "Start after this block (REGISTRY:SERIAL, the previous page's 'next').") var after: String?
            @Option(help: "At most this many blocks (default 1000, at most 10000).") var limit: Int64?
            func validate() throws {
                try RegistryctlCheck.notEmpty(account, "ACCOUNT")
                if let after { try RegistryctlCheck.notEmpty(after, "--after") }
                if let limit { try RegistryctlCheck.positive(limit, "--limit") }
            }
            func adminRequest() -> (command: String, arguments: [String: JSONValue]) {
                var arguments: [String: JSONValue] = ["account": .string(account)]
                if let after { arguments["after"] = .string(after) }
                if let limit { arguments["limit"] = .integer(limit) }
                return ("account.blocks", arguments)
            }
        }

        struct Open: RegistryctlRequestCommand {
            static let configuration = CommandConfiguration(abstract: "Open a new account in this registry.")
            @OptionGroup var options: RegistryctlOptions
            @Option(name: .customLong("type"), help: "The DES account type number, e.g. 100 (holding).")
            var accountType: Int64
            @Option(name: .customLong("id"), help: "The account's number within its type.") var identifier: Int64
            @Option(name: .customLong("period"), help: "The commitment period, e.g. 2.") var period: Int64
            @Option(help: "A name for the account.") var name: String?
            func validate() throws {
                try RegistryctlCheck.positive(accountType, "--type")
                try RegistryctlCheck.positive(identifier, "--id")
                try RegistryctlCheck.positive(period, "--period")
            }
            func adminRequest() -> (command: String, arguments: [String: JSONValue]) {
                var arguments: [String: JSONValue] = [
                    "type": .integer(accountType), "identifier": .integer(identifier),
                    "commitmentPeriod": .integer(period),
                ]
                if let name { arguments["name"] = .string(name) }
                return ("account.open", arguments)
            }
        }
    }

    struct Project: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register CDM projects.", subcommands: [Register.self])

        struct Register: RegistryctlRequestCommand {
            static let configuration = CommandConfiguration(
                abstract: "Register a CDM project so that its units can be issued.")
            @OptionGroup var options: RegistryctlOptions
            @Option(help: "The UNFCCC project number.") var number: Int64
            @Option(help: "The project's title.") var title: String
            @Option(name: .customLong("host"), help: "The host party's country code, e.g. BR.") var host: String
            @Flag(name: .customLong("ldc"), help: "The host party is a least developed country (no SOP-Adaptation).")
            var leastDevelopedCountry = false
            @Option(name: .customLong("participant"), help: "A project participant (repeat for each).")
            var participants: [String] = []
            func validate() throws {
                try RegistryctlCheck.positive(number, "--number")
                try RegistryctlCheck.notEmpty(title, "--title")
                try RegistryctlCheck.notEmpty(host, "--host")
                guard !participants.isEmpty else { throw ValidationError("at least one --participant is required") }
                for participant in participants { try RegistryctlCheck.notEmpty(participant, "--participant") }
            }
            func adminRequest() -> (command: String, arguments: [String: JSONValue]) {
                (
                    "project.register",
                    [
                        "number": .integer(number), "title": .string(title), "hostParty": .string(host),
                        "leastDevelopedCountry": .bool(leastDevelopedCountry),
                        "participants": .array(participants.map(JSONValue.string)),
                    ]
                )
            }
        }
    }

    struct Issue: RegistryctlRequestCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue CDM units for a verified emission reduction into the pending account.")
        @OptionGroup var options: RegistryctlOptions
        @Option(help: "The project number.") var project: Int64
        @Option(help: "The issuance number within the project.") var issuance: Int64
        @Option(name: .customLong("unit-type"), help: "CER, tCER or lCER.") var unitType: RegistryctlUnitType
        @Option(name: .customLong("first"), help: "The first serial number.") var firstSerial: Int64
        @Option(name: .customLong("last"), help: "The last serial number (inclusive).") var lastSerial: Int64
        @Option(name: .customLong("period"), help: "The commitment period of issuance.") var period: Int64
        @Option(name: .customLong("applicable-period"), help: "The applicable commitment period.")
        var applicablePeriod: Int64
        @Option(name: .customLong("monitoring-start"), help: "First day monitored, YYYY-MM-DD.")
        var monitoringStart: RegistryctlDate
        @Option(name: .customLong("monitoring-end"), help: "Last day monitored, YYYY-MM-DD.")
        var monitoringEnd: RegistryctlDate
        @Option(name: .customLong("sop-admin-due"), help: "The SOP-Admin share due before forwarding.")
        var sopAdminDue: Int64?
        @Option(name: .customLong("expiry"), help: "Expiry date of tCERs and lCERs, YYYY-MM-DD.")
        var expiry: RegistryctlDate?
        @Option(name: .customLong("lulucf"), help: "The LULUCF activity code (tCER, lCER).") var lulucf: Int64?
        func validate() throws {
            try RegistryctlCheck.positive(project, "--project")
            try RegistryctlCheck.positive(issuance, "--issuance")
            try RegistryctlCheck.positive(firstSerial, "--first")
            try RegistryctlCheck.positive(lastSerial, "--last")
            guard firstSerial <= lastSerial else {
                throw ValidationError("--first (\(firstSerial)) must not be greater than --last (\(lastSerial))")
            }
            try RegistryctlCheck.positive(period, "--period")
            try RegistryctlCheck.positive(applicablePeriod, "--applicable-period")
            guard monitoringStart.text <= monitoringEnd.text else {
                throw ValidationError(
                    "--monitoring-start (\(monitoringStart.text)) is after --monitoring-end (\(monitoringEnd.text))")
            }
            if let sopAdminDue, sopAdminDue < 0 {
                throw ValidationError("--sop-admin-due must not be negative, not \(sopAdminDue)")
            }
            if let lulucf { try RegistryctlCheck.positive(lulucf, "--lulucf") }
        }
        func adminRequest() -> (command: String, arguments: [String: JSONValue]) {
            var arguments: [String: JSONValue] = [
                "project": .integer(project), "issuance": .integer(issuance), "unitType": .string(unitType.rawValue),
                "firstSerial": .integer(firstSerial), "lastSerial": .integer(lastSerial),
                "commitmentPeriod": .integer(period), "applicableCommitmentPeriod": .integer(applicablePeriod),
                "monitoringStart": .string(monitoringStart.text), "monitoringEnd": .string(monitoringEnd.text),
            ]
            if let sopAdminDue { arguments["sopAdminDue"] = .integer(sopAdminDue) }
            if let expiry { arguments["expiryDate"] = .string(expiry.text) }
            if let lulucf { arguments["lulucfActivity"] = .integer(lulucf) }
            return ("issue", arguments)
        }
    }

    struct SopAdmin: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sop-admin", abstract: "Record SOP-Admin payments.", subcommands: [Pay.self])

        struct Pay: RegistryctlRequestCommand {
            static let configuration = CommandConfiguration(
                abstract: "Record that an issuance's share of proceeds for administration was paid.")
            @OptionGroup var options: RegistryctlOptions
            @Option(help: "The project number.") var project: Int64
            @Option(help: "The issuance number.") var issuance: Int64
            @Option(help: "The amount paid.") var amount: Int64
            func validate() throws {
                try RegistryctlCheck.positive(project, "--project")
                try RegistryctlCheck.positive(issuance, "--issuance")
                try RegistryctlCheck.positive(amount, "--amount")
            }
            func adminRequest() -> (command: String, arguments: [String: JSONValue]) {
                (
                    "sopAdmin.pay",
                    ["project": .integer(project), "issuance": .integer(issuance), "amount": .integer(amount)]
                )
            }
        }
    }

    struct Forward: RegistryctlRequestCommand {
        static let configuration = CommandConfiguration(
            abstract: "Forward issued units from the pending account to a participant's account.")
        @OptionGroup var options: RegistryctlOptions
        @Option(help: "The project number.") var project: Int64
        @Option(help: "The issuance number.") var issuance: Int64
        @Option(help: "The receiving account identifier.") var to: String
        @Option(help: "How many units.") var quantity: Int64
        @Option(name: .customLong("instructed-by"), help: "The project participant who instructed it.")
        var instructedBy: String
        func validate() throws {
            try RegistryctlCheck.positive(project, "--project")
            try RegistryctlCheck.positive(issuance, "--issuance")
            try RegistryctlCheck.notEmpty(to, "--to")
            try RegistryctlCheck.positive(quantity, "--quantity")
            try RegistryctlCheck.notEmpty(instructedBy, "--instructed-by")
        }
        func adminRequest() -> (command: String, arguments: [String: JSONValue]) {
            (
                "forward",
                [
                    "project": .integer(project), "issuance": .integer(issuance), "to": .string(to),
                    "quantity": .integer(quantity), "instructedBy": .string(instructedBy),
                ]
            )
        }
    }

    struct Transfer: RegistryctlRequestCommand {
        static let configuration = CommandConfiguration(
            abstract: "Transfer units between accounts, here or in another registry (through the ITL).")
        @OptionGroup var options: RegistryctlOptions
        @Option(help: "The account the units leave.") var from: String
        @Option(help: "The account the units go to.") var to: String
        @Option(help: "How many units.") var quantity: Int64
        func validate() throws {
            try RegistryctlCheck.notEmpty(from, "--from")
            try RegistryctlCheck.notEmpty(to, "--to")
            try RegistryctlCheck.positive(quantity, "--quantity")
        }
        func adminRequest() -> (command: String, arguments: [String: JSONValue]) {
            ("transfer", ["from": .string(from), "to": .string(to), "quantity": .integer(quantity)])
        }
    }

    struct Cancel: RegistryctlRequestCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel units voluntarily (they can never be used again).")
        @OptionGroup var options: RegistryctlOptions
        @Option(help: "The account the units leave.") var from: String
        @Option(help: "How many units.") var quantity: Int64
        @Option(help: "The cancellation account (default: the registry's voluntary cancellation account).")
        var to: String?
        @Option(help: "On whose behalf the units are cancelled.") var beneficiary: String?
        @Option(help: "Why the units are cancelled.") var purpose: String?
        func validate() throws {
            try RegistryctlCheck.notEmpty(from, "--from")
            try RegistryctlCheck.positive(quantity, "--quantity")
            if let to { try RegistryctlCheck.notEmpty(to, "--to") }
        }
        func adminRequest() -> (command: String, arguments: [String: JSONValue]) {
            var arguments: [String: JSONValue] = ["from": .string(from), "quantity": .integer(quantity)]
            if let to { arguments["to"] = .string(to) }
            if let beneficiary { arguments["beneficiary"] = .string(beneficiary) }
            if let purpose { arguments["purpose"] = .string(purpose) }
            return ("cancel", arguments)
        }
    }

    struct Transactions: RegistryctlRequestCommand {
        static let configuration = CommandConfiguration(
            abstract: "List transactions: in flight (waiting on the ITL or a peer), final, or all.")
        @OptionGroup var options: RegistryctlOptions
        @Option(help: "in-flight, final or all.") var state: RegistryctlTransactionState?
        @Option(help: "At most this many, newest first.") var limit: Int64?
        func validate() throws {
            if let limit { try RegistryctlCheck.positive(limit, "--limit") }
        }
        func adminRequest() -> (command: String, arguments: [String: JSONValue]) {
            var arguments: [String: JSONValue] = [:]
            if let state { arguments["state"] = .string(state.rawValue) }
            if let limit { arguments["limit"] = .integer(limit) }
            return ("transactions.list", arguments)
        }
    }

    struct Transaction: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show or cancel one transaction.", subcommands: [Show.self, Cancel.self])

        struct Show: RegistryctlRequestCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show a transaction with its full history and DES response codes.")
            @OptionGroup var options: RegistryctlOptions
            @Argument(help: "The transaction identifier.") var transaction: String
            func validate() throws { try RegistryctlCheck.notEmpty(transaction, "TRANSACTION") }
            func adminRequest() -> (command: String, arguments: [String: JSONValue]) {
                ("transaction.show", ["transaction": .string(transaction)])
            }
        }

        struct Cancel: RegistryctlRequestCommand {
            static let configuration = CommandConfiguration(
                abstract: "Cancel an in-flight transaction that has not been accepted yet.")
            @OptionGroup var options: RegistryctlOptions
            @Argument(help: "The transaction identifier.") var transaction: String
            func validate() throws { try RegistryctlCheck.notEmpty(transaction, "TRANSACTION") }
            func adminRequest() -> (command: String, arguments: [String: JSONValue]) {
                ("transaction.cancel", ["transaction": .string(transaction)])
            }
        }
    }

    struct Outbox: RegistryctlRequestCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the messages waiting to be sent to the ITL and peers, with their retries.")
        @OptionGroup var options: RegistryctlOptions
        func adminRequest() -> (command: String, arguments: [String: JSONValue]) { ("outbox.list", [:]) }
    }

    struct Verify: RegistryctlRequestCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the ledger: balances against unit blocks, and the journal's hash chain.")
        @OptionGroup var options: RegistryctlOptions
        func adminRequest() -> (command: String, arguments: [String: JSONValue]) { ("verify", [:]) }
    }

    struct Call: RegistryctlRequestCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send any admin command: registryctl call COMMAND key=value ...",
            discussion: "A value that parses as JSON (42, true, [1,2], {\"a\":1}) is sent as JSON, else as a string.")
        @OptionGroup var options: RegistryctlOptions
        @Argument(help: "The admin command, e.g. transactions.list.") var command: String
        @Argument(help: "Arguments as key=value.") var arguments: [String] = []
        func validate() throws {
            try RegistryctlCheck.notEmpty(command, "COMMAND")
            _ = try parsedArguments()
        }
        func adminRequest() throws -> (command: String, arguments: [String: JSONValue]) {
            (command, try parsedArguments())
        }
        func parsedArguments() throws -> [String: JSONValue] {
            var result: [String: JSONValue] = [:]
            for argument in arguments {
                guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
                    throw ValidationError("argument '\(argument)' must be key=value")
                }
                let key = String(argument[..<equals])
                guard result[key] == nil else { throw ValidationError("argument '\(key)' is given twice") }
                result[key] = RegistryctlCommandLine.value(of: String(argument[argument.index(after: equals)...]))
            }
            return result
        }
    }
}
