import ArgumentParser

/// registryctl's operator commands beyond transactions: the queue, peers, retries, the journal, reconciliations
/// and ITL notices (docs/OPERATIONS.md).
extension Registryctl {
    struct Queue: RegistryctlRequestCommand {
        static let configuration = CommandConfiguration(
            abstract: "List in-flight transactions: type, peer, state, age, attempts and next retry.")
        @OptionGroup var options: RegistryctlOptions
        @Flag(help: "Refresh in place every 2 seconds until interrupted.") var watch = false
        func adminRequest() -> (command: String, arguments: [String: JSONValue]) { ("queue", [:]) }
    }

    struct Peer: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pause or resume sending to a peer (messages wait in the outbox, nothing is lost).",
            subcommands: [Pause.self, Resume.self])

        struct Pause: RegistryctlRequestCommand {
            static let configuration = CommandConfiguration(abstract: "Stop sending to a peer, e.g. ITL.")
            @OptionGroup var options: RegistryctlOptions
            @Argument(help: "The peer's registry code.") var peer: String
            func adminRequest() -> (command: String, arguments: [String: JSONValue]) {
                ("peer.pause", ["peer": .string(peer)])
            }
        }

        struct Resume: RegistryctlRequestCommand {
            static let configuration = CommandConfiguration(abstract: "Send to a paused peer again.")
            @OptionGroup var options: RegistryctlOptions
            @Argument(help: "The peer's registry code.") var peer: String
            func adminRequest() -> (command: String, arguments: [String: JSONValue]) {
                ("peer.resume", ["peer": .string(peer)])
            }
        }
    }

    struct Retry: RegistryctlRequestCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send waiting messages now instead of after their backoff (all, one peer or one transaction).")
        @OptionGroup var options: RegistryctlOptions
        @Option(help: "Only messages to this peer.") var peer: String?
        @Option(help: "Only messages of this transaction.") var transaction: String?
        func adminRequest() -> (command: String, arguments: [String: JSONValue]) {
            var arguments: [String: JSONValue] = [:]
            if let peer { arguments["peer"] = .string(peer) }
            if let transaction { arguments["transaction"] = .string(transaction) }
            return ("retry", arguments)
        }
    }

    struct Journal: RegistryctlRequestCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the last journal entries (hash-chained record of every ledger change).")
        @OptionGroup var options: RegistryctlOptions
        @Option(help: "How many entries (default 20).") var limit: Int64?
        func adminRequest() -> (command: String, arguments: [String: JSONValue]) {
            ("journal.tail", limit.map { ["limit": .integer($0)] } ?? [:])
        }
    }

    struct Reconciliation: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List ITL reconciliations with their phases and results, or clear an alert.",
            subcommands: [List.self, Clear.self], defaultSubcommand: List.self)

        struct List: RegistryctlRequestCommand {
            static let configuration = CommandConfiguration(abstract: "List reconciliations, newest first.")
            @OptionGroup var options: RegistryctlOptions
            func adminRequest() -> (command: String, arguments: [String: JSONValue]) { ("reconciliation.list", [:]) }
        }

        struct Clear: RegistryctlRequestCommand {
            static let configuration = CommandConfiguration(
                abstract: "Clear an inconsistent reconciliation's alert after manual intervention.")
            @OptionGroup var options: RegistryctlOptions
            @Argument(help: "The reconciliation identifier.") var reconciliation: String
            @Option(help: "What was done (kept with the reconciliation).") var note: String
            func adminRequest() -> (command: String, arguments: [String: JSONValue]) {
                ("reconciliation.clear", ["reconciliation": .string(reconciliation), "note": .string(note)])
            }
        }
    }

    struct Notices: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List ITL notices with what the registry did, or close an operator task.",
            subcommands: [List.self, Close.self], defaultSubcommand: List.self)

        struct List: RegistryctlRequestCommand {
            static let configuration = CommandConfiguration(abstract: "List notices, newest first.")
            @OptionGroup var options: RegistryctlOptions
            func adminRequest() -> (command: String, arguments: [String: JSONValue]) { ("notices.list", [:]) }
        }

        struct Close: RegistryctlRequestCommand {
            static let configuration = CommandConfiguration(abstract: "Close a notice's operator task.")
            @OptionGroup var options: RegistryctlOptions
            @Argument(help: "The notification identifier.") var notice: Int64
            @Option(help: "What was done.") var note: String
            func adminRequest() -> (command: String, arguments: [String: JSONValue]) {
                ("notice.close", ["notice": .integer(notice), "note": .string(note)])
            }
        }
    }

    struct Messages: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Messages with the ITL's administrators (DES acceptMessage): list those received, send one.",
            subcommands: [List.self, Send.self], defaultSubcommand: List.self)

        struct List: RegistryctlRequestCommand {
            static let configuration = CommandConfiguration(abstract: "List the messages received, newest first.")
            @OptionGroup var options: RegistryctlOptions
            @Option(help: "At most this many (default 50).") var limit: Int64?
            func validate() throws { if let limit { try RegistryctlCheck.positive(limit, "--limit") } }
            func adminRequest() -> (command: String, arguments: [String: JSONValue]) {
                ("messages.list", limit.map { ["limit": .integer($0)] } ?? [:])
            }
        }

        struct Send: RegistryctlRequestCommand {
            static let configuration = CommandConfiguration(
                abstract: "Send a message to the ITL's administrators (queued in the outbox, retried until answered).")
            @OptionGroup var options: RegistryctlOptions
            @Argument(help: "The text (1 to 4000 bytes).") var text: String
            func validate() throws { try RegistryctlCheck.notEmpty(text, "TEXT") }
            func adminRequest() -> (command: String, arguments: [String: JSONValue]) {
                ("message.send", ["text": .string(text)])
            }
        }
    }
}
