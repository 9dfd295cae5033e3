import Foundation
import Testing

@testable import RegistryAdmin

@Suite("registryctl's command line becomes the documented admin request")
struct RegistryctlCommandLineTests {
    static func request(_ arguments: [String]) throws -> AdminRequest {
        try RegistryctlCommandLine.parse(arguments, environment: [:]).request
    }

    static func usageError(_ arguments: [String]) -> RegistryctlUsageError? {
        do {
            _ = try RegistryctlCommandLine.parse(arguments, environment: [:])
            return nil
        } catch {
            return error
        }
    }

    @Test(
        "commands without arguments",
        arguments: [
            (["status"], "status"), (["accounts"], "accounts.list"), (["outbox"], "outbox.list"),
            (["verify"], "verify"), (["transactions"], "transactions.list"),
        ])
    func plain(arguments: [String], command: String) throws {
        #expect(try Self.request(arguments) == AdminRequest(id: "1", command: command))
    }

    @Test("account show and open")
    func account() throws {
        #expect(
            try Self.request(["account", "show", "CDM-100-1-2-57"]).arguments == ["account": "CDM-100-1-2-57"])
        let open = try Self.request(["account", "open", "--type", "100", "--id", "7", "--period", "2", "--name", "Ops"])
        #expect(open.command == "account.open")
        #expect(open.arguments == ["type": 100, "identifier": 7, "commitmentPeriod": 2, "name": "Ops"])
        let unnamed = try Self.request(["account", "open", "--type", "100", "--id", "8", "--period", "2"])
        #expect(unnamed.arguments["name"] == nil)
        let blocks = try Self.request(["account", "blocks", "CDM-100-5001-2", "--after", "CDM:1200", "--limit", "50"])
        #expect(blocks.command == "account.blocks")
        #expect(blocks.arguments == ["account": "CDM-100-5001-2", "after": "CDM:1200", "limit": 50])
        #expect(try Self.request(["account", "blocks", "CDM-100-5001-2"]).arguments == ["account": "CDM-100-5001-2"])
    }

    @Test("orders and mail of the online platform")
    func platformListings() throws {
        let orders = try Self.request(["orders", "--status", "refund-due", "--limit", "5"])
        #expect(orders.command == "orders.list" && orders.arguments == ["status": "refund-due", "limit": 5])
        #expect(try Self.request(["orders"]).arguments.isEmpty)
        let show = try Self.request(["order", "show", "PLT-7"])
        #expect(show == AdminRequest(id: "1", command: "order.show", arguments: ["order": "PLT-7"]))
        let refunded = try Self.request(["order", "refunded", "PLT-7", "--note", "bank transfer 42"])
        #expect(refunded.command == "order.refunded")
        #expect(refunded.arguments == ["order": "PLT-7", "note": "bank transfer 42"])
        #expect(try Self.request(["messages", "list", "--limit", "5"]).arguments == ["limit": 5])
        #expect(try Self.request(["messages"]).command == "messages.list")
        let send = try Self.request(["messages", "send", "Maintenance ends at 12:00 UTC."])
        #expect(send.command == "message.send" && send.arguments == ["text": "Maintenance ends at 12:00 UTC."])
        let added = try Self.request(["representative", "add", "--account", "CDM-100-5001-0", "--name", "Andes Wind"])
        #expect(added.command == "representative.add")
        #expect(added.arguments == ["account": "CDM-100-5001-0", "name": "Andes Wind"])
        #expect(try Self.request(["representative", "revoke", "3"]).arguments == ["representative": 3])
        #expect(try Self.request(["representative", "list"]).command == "representatives.list")
        let mail = try Self.request(["mail", "--limit", "3"])
        #expect(mail == AdminRequest(id: "1", command: "mail.list", arguments: ["limit": 3]))
    }

    @Test("project register with repeated participants and the LDC flag")
    func project() throws {
        let request = try Self.request([
            "project", "register", "--number", "1234", "--title", "Wind farm", "--host", "BR", "--ldc",
            "--participant", "Acme", "--participant", "Eolica",
        ])
        #expect(request.command == "project.register")
        #expect(
            request.arguments == [
                "number": 1234, "title": "Wind farm", "hostParty": "BR", "leastDevelopedCountry": true,
                "participants": ["Acme", "Eolica"],
            ])
        let withoutFlag = try Self.request([
            "project", "register", "--number", "1", "--title", "T", "--host", "IN", "--participant", "P",
        ])
        #expect(withoutFlag.arguments["leastDevelopedCountry"] == false)
    }

    @Test("issue with every option, serials beyond 32 bits kept exact")
    func issue() throws {
        let request = try Self.request([
            "issue", "--project", "1234", "--issuance", "1", "--unit-type", "tCER", "--first", "4000000000",
            "--last", "9223372036854775807", "--period", "2", "--applicable-period", "2", "--monitoring-start",
            "2024-01-01", "--monitoring-end", "2024-12-31", "--sop-admin-due", "2", "--expiry", "2030-02-28",
            "--lulucf", "3",
        ])
        #expect(request.command == "issue")
        #expect(
            request.arguments == [
                "project": 1234, "issuance": 1, "unitType": "tCER", "firstSerial": 4_000_000_000,
                "lastSerial": .integer(Int64.max), "commitmentPeriod": 2, "applicableCommitmentPeriod": 2,
                "monitoringStart": "2024-01-01", "monitoringEnd": "2024-12-31", "sopAdminDue": 2,
                "expiryDate": "2030-02-28", "lulucfActivity": 3,
            ])
    }

    @Test("sop-admin pay, forward, transfer and cancel")
    func movements() throws {
        let pay = try Self.request(["sop-admin", "pay", "--project", "12", "--issuance", "1", "--amount", "20"])
        #expect(pay.command == "sopAdmin.pay")
        #expect(pay.arguments == ["project": 12, "issuance": 1, "amount": 20])
        let forward = try Self.request([
            "forward", "--project", "12", "--issuance", "1", "--to", "CDM-100-1-2-57", "--quantity", "5",
            "--instructed-by", "Acme",
        ])
        #expect(
            forward.arguments == [
                "project": 12, "issuance": 1, "to": "CDM-100-1-2-57", "quantity": 5, "instructedBy": "Acme",
            ])
        let transfer = try Self.request(["transfer", "--from", "A", "--to", "B", "--quantity", "3"])
        #expect(
            transfer == AdminRequest(id: "1", command: "transfer", arguments: ["from": "A", "to": "B", "quantity": 3]))
        let cancel = try Self.request([
            "cancel", "--from", "A", "--quantity", "2", "--to", "C", "--beneficiary", "City", "--purpose", "offset",
        ])
        #expect(
            cancel.arguments == ["from": "A", "quantity": 2, "to": "C", "beneficiary": "City", "purpose": "offset"])
        #expect(
            try Self.request(["cancel", "--from", "A", "--quantity", "2"]).arguments == ["from": "A", "quantity": 2])
    }

    @Test("transactions filters and transaction show/cancel")
    func transactions() throws {
        #expect(
            try Self.request(["transactions", "--state", "in-flight", "--limit", "20"]).arguments
                == ["state": "in-flight", "limit": 20])
        #expect(
            try Self.request(["transaction", "show", "GB42"])
                == AdminRequest(
                    id: "1", command: "transaction.show", arguments: ["transaction": "GB42"]))
        #expect(try Self.request(["transaction", "cancel", "GB42"]).command == "transaction.cancel")
    }

    @Test("call parses JSON values and keeps other text as strings")
    func call() throws {
        let request = try Self.request([
            "call", "transactions.list", "limit=5", "state=in-flight", "flag=true", "list=[1,2]", "name=\"42\"",
            "account=CDM-100-1-2-57", "empty=",
        ])
        #expect(request.command == "transactions.list")
        #expect(
            request.arguments == [
                "limit": 5, "state": "in-flight", "flag": true, "list": [1, 2], "name": "42",
                "account": "CDM-100-1-2-57", "empty": "",
            ])
    }

    @Test("global options work before and after the subcommand; the socket falls back to the environment")
    func globalOptions() throws {
        let before = try RegistryctlCommandLine.parse(
            ["--socket", "/tmp/a.sock", "--json", "status"], environment: [:])
        #expect(before.socketPath == "/tmp/a.sock")
        #expect(before.json)
        let after = try RegistryctlCommandLine.parse(["status", "--json", "--socket", "/tmp/b.sock"], environment: [:])
        #expect(after.socketPath == "/tmp/b.sock")
        #expect(after.json)
        let fromEnvironment = try RegistryctlCommandLine.parse(
            ["status"], environment: ["CDM_REGISTRY_ADMIN_SOCKET": "/srv/admin.sock"])
        #expect(fromEnvironment.socketPath == "/srv/admin.sock")
        #expect(fromEnvironment.json == false)
        #expect(
            try RegistryctlCommandLine.parse(["status"], environment: [:]).socketPath == "/run/cdm-registry/admin.sock")
    }

    @Test(
        "bad command lines are usage errors (exit 2) naming the problem",
        arguments: [
            (["transfer", "--from", "A", "--to", "B"], "--quantity"),
            (["transfer", "--from", "A", "--to", "B", "--quantity", "0"], "--quantity must be a positive"),
            (["transfer", "--from", "A", "--to", "B", "--quantity", "x"], "--quantity"),
            (
                [
                    "issue", "--project", "1", "--issuance", "1", "--unit-type", "ERU", "--first", "1", "--last", "2",
                    "--period", "2", "--applicable-period", "2", "--monitoring-start", "2024-01-01",
                    "--monitoring-end", "2024-02-01",
                ], "unit-type"
            ),
            (
                [
                    "issue", "--project", "1", "--issuance", "1", "--unit-type", "CER", "--first", "5", "--last", "2",
                    "--period", "2", "--applicable-period", "2", "--monitoring-start", "2024-01-01",
                    "--monitoring-end", "2024-02-01",
                ], "--first (5) must not be greater than --last (2)"
            ),
            (
                [
                    "issue", "--project", "1", "--issuance", "1", "--unit-type", "CER", "--first", "1", "--last", "2",
                    "--period", "2", "--applicable-period", "2", "--monitoring-start", "2023-02-29",
                    "--monitoring-end", "2024-02-01",
                ], "monitoring-start"
            ),
            (["transactions", "--state", "pending"], "state"),
            (["project", "register", "--number", "1", "--title", "T", "--host", "BR"], "--participant"),
            (["call", "x", "novalue"], "argument 'novalue' must be key=value"),
            (["call", "x", "a=1", "a=2"], "argument 'a' is given twice"),
            (["frobnicate"], "frobnicate"),
        ])
    func usage(arguments: [String], problem: String) throws {
        let error = try #require(Self.usageError(arguments))
        #expect(error.exitCode == 2)
        #expect(error.message.contains(problem), "\(error.message)")
    }

    @Test("--help exits 0 and lists every subcommand")
    func help() throws {
        let error = try #require(Self.usageError(["--help"]))
        #expect(error.exitCode == 0)
        for name in [
            "status", "accounts", "account", "project", "issue", "sop-admin", "forward", "transfer", "cancel",
            "transactions", "transaction", "outbox", "verify", "call",
        ] {
            #expect(error.message.contains("\n  \(name) "), "help does not list \(name)")
        }
    }
}
