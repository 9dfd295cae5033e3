import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Testing

@testable import RegistryCore
@testable import RegistryPublic
@testable import RegistryStore
@testable import RegistryWeb

/// JSON shapes as a client reads them.
struct IssuanceJSON: Decodable {
    struct Row: Decodable {
        var projectNumber: Int
        var projectTitle: String
        var hostParty: String
        var issuanceNumber: Int
        var quantityIssued: Int64
        var shareOfProceeds: Int64
        var firstSerial: Int64
        var lastSerial: Int64
        var unitType: String
        var originalCommitmentPeriod: Int
        var monitoringPeriodStart: String
    }

    var total: Int
    var page: Int
    var perPage: Int
    var totalQuantityIssued: Int64
    var totalShareOfProceeds: Int64
    var items: [Row]
}

struct FundJSON: Decodable {
    struct Holding: Decodable {
        var unitType: String
        var originalCommitmentPeriod: Int
        var applicableCommitmentPeriod: Int
        var quantity: Int64
    }

    struct Inflow: Decodable {
        var kind: String
        var projectNumber: Int?
        var issuanceNumber: Int?
        var quantity: Int64
    }

    var account: String
    var holdings: [Holding]
    var totalHeld: Int64
    var total: Int
    var totalCredited: Int64
    var inflows: [Inflow]
}

struct CancellationJSON: Decodable {
    struct Units: Decodable {
        var projectNumber: Int?
        var unitType: String
        var quantity: Int64
    }

    struct Row: Decodable {
        var transaction: String
        var quantity: Int64
        var units: [Units]
        var beneficiary: String?
        var purpose: String?
        var attestation: String?
        var completedAt: String
    }

    var total: Int
    var totalQuantity: Int64
    var items: [Row]
}

func request(_ path: String, query: [String: String] = [:], method: String = "GET", headers: [String: String] = [:])
    -> WebRequest
{
    WebRequest(method: method, path: path.split(separator: "/").map(String.init), query: query, headers: headers)
}

@Suite("Public reports equal the ledger")
struct PublicReportsTests {
    @Test("the issuance report's rows and totals are the store's issuance records, with the share of proceeds")
    func issuances() async throws {
        let fixture = try await PublicRegistryFixture()
        let reports = try PublicReports(storePath: fixture.path)
        let response = await reports.respond(to: request("/issuances", query: ["format": "json"]))
        #expect(response.status == 200)
        let report = try JSONDecoder().decode(IssuanceJSON.self, from: Data(response.body))
        #expect(report.total == 3)
        var quantity: Int64 = 0
        var share: Int64 = 0
        for row in report.items {
            let record = try #require(
                try fixture.store.issuance(
                    IssuanceIdentifier(project: row.projectNumber, number: row.issuanceNumber)))
            #expect(row.quantityIssued == record.quantity)
            #expect(row.shareOfProceeds == record.shareOfProceeds)
            #expect(row.firstSerial == record.serials.start && row.lastSerial == record.serials.end)
            #expect(row.monitoringPeriodStart == "2022-01-01" && row.unitType == "CER")
            quantity += record.quantity
            share += record.shareOfProceeds
        }
        #expect(report.totalQuantityIssued == quantity && quantity == 1850)
        #expect(report.totalShareOfProceeds == share)
        #expect(report.items.first { $0.projectNumber == PublicRegistryFixture.hydro }?.shareOfProceeds == 0,
            "a least developed country's project pays no share of proceeds")
        #expect(report.items.first { $0.projectNumber == PublicRegistryFixture.wind }?.shareOfProceeds == 20)

        let filtered = await reports.respond(
            to: request("/issuances", query: ["format": "json", "project": String(PublicRegistryFixture.wind)]))
        let windOnly = try JSONDecoder().decode(IssuanceJSON.self, from: Data(filtered.body))
        #expect(windOnly.total == 2 && windOnly.items.allSatisfy { $0.projectNumber == PublicRegistryFixture.wind })
        #expect(windOnly.totalQuantityIssued == 1550)

        let page = await reports.respond(to: request("/projects/\(PublicRegistryFixture.wind)"))
        let html = String(decoding: page.body, as: UTF8.self)
        #expect(page.status == 200)
        #expect(html.contains("Andes Wind &lt;Phase 1&gt;") && !html.contains("<Phase 1>"), "titles are escaped")
        #expect(await reports.respond(to: request("/projects/999")).status == 404)
        #expect(await reports.respond(to: request("/issuances", query: ["project": "abc"])).status == 400)
    }

    @Test("the Adaptation Fund report shows the account's holdings and every credit, summing to its balance")
    func adaptationFund() async throws {
        let fixture = try await PublicRegistryFixture()
        let reports = try PublicReports(storePath: fixture.path)
        let response = await reports.respond(to: request("/adaptation-fund", query: ["format": "json"]))
        #expect(response.status == 200)
        let report = try JSONDecoder().decode(FundJSON.self, from: Data(response.body))
        let balance = try fixture.store.balance(of: .adaptationFund)
        #expect(report.totalHeld == balance)
        let holdings = try fixture.store.holdings(matching: HoldingFilter(account: .adaptationFund))
        #expect(report.holdings.map(\.quantity).reduce(0, +) == holdings.map(\.quantity).reduce(0, +))
        #expect(report.holdings.count == 1 && report.holdings[0].unitType == "CER"
            && report.holdings[0].originalCommitmentPeriod == 2)
        // 2 % of 1000 and of 550 (Andes Wind), nothing for the LDC project, plus the internal transfer of 7.
        #expect(report.inflows.filter { $0.kind == "shareOfProceeds" }.map(\.quantity) == [20, 11])
        #expect(report.inflows.filter { $0.kind == "shareOfProceeds" }.map(\.issuanceNumber) == [1, 2])
        #expect(report.inflows.contains { $0.kind == "transfer" && $0.quantity == 7 })
        #expect(report.totalCredited == balance, "nothing left the account, so credits equal holdings")
        #expect(balance == 38)
        let holdingsCSV = await reports.respond(
            to: request("/adaptation-fund", query: ["format": "csv", "table": "holdings"]))
        #expect(String(decoding: holdingsCSV.body, as: UTF8.self).contains("CER,2,2,38\r\n"))
    }

    @Test("voluntary cancellations: completed ones only, with beneficiary, purpose, attestation and range totals")
    func cancellations() async throws {
        let fixture = try await PublicRegistryFixture()
        let reports = try PublicReports(storePath: fixture.path)
        let response = await reports.respond(to: request("/voluntary-cancellations", query: ["format": "json"]))
        #expect(response.status == 200)
        let report = try JSONDecoder().decode(CancellationJSON.self, from: Data(response.body))
        #expect(report.items.map(\.transaction) == fixture.cancellations.map(\.id.rawValue))
        #expect(!report.items.contains { $0.transaction == fixture.rejected.rawValue }, "rejected by the ITL")
        #expect(!report.items.contains { $0.transaction == fixture.inFlight.rawValue }, "not completed yet")
        #expect(report.totalQuantity == fixture.cancellations.map(\.quantity).reduce(0, +))
        let completedInLedger =
            try fixture.store.balance(of: PublicRegistryFixture.voluntary)
        #expect(report.totalQuantity == completedInLedger, "the report's total is the 230 account's balance")
        let first = try #require(report.items.first)
        #expect(first.beneficiary == "Town of Example" && first.purpose == "2023 emissions, scope 1")
        #expect(first.attestation == fixture.attestationNumber)
        #expect(first.units.first?.projectNumber == PublicRegistryFixture.wind)
        #expect(report.items.dropFirst().allSatisfy { $0.attestation == nil })

        // Only the days of the third cancellation: from and to are inclusive whole days.
        let third = fixture.cancellations[2]
        let day = await reports.respond(
            to: request("/voluntary-cancellations", query: ["format": "json", "from": third.day, "to": third.day]))
        let oneDay = try JSONDecoder().decode(CancellationJSON.self, from: Data(day.body))
        #expect(oneDay.items.map(\.transaction) == [third.id.rawValue])
        #expect(oneDay.totalQuantity == third.quantity)
        let early = await reports.respond(
            to: request(
                "/voluntary-cancellations", query: ["format": "json", "to": fixture.cancellations[1].day]))
        let upTo = try JSONDecoder().decode(CancellationJSON.self, from: Data(early.body))
        #expect(upTo.total == 2 && upTo.totalQuantity == 25)

        for (query, expected) in [
            (["from": "2024-02-30"], "'from'"), (["to": "yesterday"], "'to'"),
            (["from": "2024-03-10", "to": "2024-03-01"], "after it ends"),
            (["from": "2024-03-01T00:00:00Z"], "'from'"),
        ] {
            let bad = await reports.respond(to: request("/voluntary-cancellations", query: query))
            #expect(bad.status == 400, "\(query)")
            #expect(String(decoding: bad.body, as: UTF8.self).contains(HTML.escape(expected)), "\(query)")
        }
        let badJSON = await reports.respond(
            to: request("/voluntary-cancellations", query: ["format": "json", "from": "x"]))
        #expect(badJSON.status == 400 && badJSON.header("content-type") == "application/json")
    }

    @Test("the CSV quotes fields and guards a formula-like beneficiary; all=1 gives every row")
    func cancellationsCSV() async throws {
        let fixture = try await PublicRegistryFixture()
        let reports = try PublicReports(storePath: fixture.path)
        let response = await reports.respond(
            to: request("/voluntary-cancellations", query: ["format": "csv", "all": "1"]))
        #expect(response.status == 200)
        #expect(response.header("content-type")?.hasPrefix("text/csv") == true)
        let text = String(decoding: response.body, as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 1 + fixture.cancellations.count)
        #expect(text.contains("\"'=HYPERLINK(\"\"http://evil\"\")\""))
        #expect(text.contains(",'-offset,"))
        #expect(text.contains("\"2023 emissions, scope 1\""))
        #expect(text.contains("\"Travel \"\"2024\"\"\""))
        let paged = await reports.respond(
            to: request("/voluntary-cancellations", query: ["format": "csv", "perPage": "2"]))
        #expect(String(decoding: paged.body, as: UTF8.self).components(separatedBy: "\r\n").count == 4)
        #expect(paged.header("link")?.contains("rel=\"next\"") == true)
        let allHTML = await reports.respond(to: request("/voluntary-cancellations", query: ["all": "1"]))
        #expect(allHTML.status == 400)
    }

    @Test("serving every report leaves the store file byte for byte unchanged, and a POST is 405")
    func readOnly() async throws {
        let fixture = try await PublicRegistryFixture()
        let journalCount = try fixture.store.journalCount()
        try fixture.store.close()
        // The store is the database file and its write-ahead log; -shm is SQLite's shared index, which readers use.
        let files = [fixture.path, fixture.path + "-wal"]
        let before = files.map(Self.digest)
        let reports = try PublicReports(storePath: fixture.path)
        let paths = [
            "/", "/issuances", "/projects/\(PublicRegistryFixture.wind)", "/adaptation-fund",
            "/voluntary-cancellations",
        ]
        for path in paths {
            for format in ["html", "json", "csv"] {
                let response = await reports.respond(to: request(path, query: ["format": format]))
                #expect(response.status == 200, "\(path) as \(format)")
            }
        }
        for method in ["POST", "PUT", "DELETE", "PATCH"] {
            let refused = await reports.respond(to: request("/issuances", method: method))
            #expect(refused.status == 405)
            #expect(refused.header("allow") == "GET, HEAD")
        }
        try reports.close()
        #expect(files.map(Self.digest) == before, "database file and WAL are byte for byte as they were")
        #expect(before[0] != nil, "the database file was there to compare")
        let reopened = try SQLiteRegistryStore(path: fixture.path)
        #expect(try reopened.journalCount() == journalCount)
        try reopened.close()
    }

    /// SHA-256 of a file's bytes as hex, nil when there is no such file.
    static func digest(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    @Test("opening a missing file or a file that is not a registry store fails with a clear error")
    func openErrors() throws {
        #expect(throws: PublicReportsError.self) { try PublicReports(storePath: "/nonexistent/registry.sqlite") }
        let other = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-store-\(UUID()).sqlite")
        try Data("hello, not sqlite at all, padding padding padding padding padding padding padding".utf8)
            .write(to: other)
        defer { try? FileManager.default.removeItem(at: other) }
        #expect(throws: PublicReportsError.self) { try PublicReports(storePath: other.path) }
    }
}

@Suite("Public reports over HTTP")
struct PublicReportsHTTPTests {
    @Test("pages, JSON, CSV, 304 on the ETag, pagination links and 405 through the real listener")
    func overHTTP() async throws {
        let fixture = try await PublicRegistryFixture()
        let reports = try PublicReports(storePath: fixture.path)
        try await RunningServer.run(handler: reports) { running in
            let (index, indexBody) = try await running.get("/")
            #expect(index.status == .ok)
            let html = String(decoding: indexBody, as: UTF8.self)
            for link in ["/issuances", "/adaptation-fund", "/voluntary-cancellations"] {
                #expect(html.contains("href=\"\(link)\""))
            }
            let (json, jsonBody) = try await running.get("/issuances", headers: [("Accept", "application/json")])
            #expect(json.headers.first(name: "content-type") == "application/json")
            #expect(try JSONDecoder().decode(IssuanceJSON.self, from: Data(jsonBody)).total == 3)
            let (page, _) = try await running.get("/voluntary-cancellations?perPage=2&page=1")
            #expect(page.headers.first(name: "link")?.contains("page=2&perPage=2") == true)
            #expect(page.headers.first(name: "x-total-count") == "4")
            let tag = try #require(page.headers.first(name: "etag"))
            let (again, againBody) = try await running.get(
                "/voluntary-cancellations?perPage=2&page=1", headers: [("If-None-Match", tag)])
            #expect(again.status == .notModified && againBody.isEmpty)
            let (head, headBody) = try await running.get("/adaptation-fund", method: .HEAD)
            #expect(head.status == .ok && headBody.isEmpty)
            let (post, _) = try await running.get("/issuances", method: .POST, body: Array("x=1".utf8))
            #expect(post.status == .methodNotAllowed)
            let (missing, _) = try await running.get("/nothing-here")
            #expect(missing.status == .notFound)
        }
        try reports.close()
    }

    @Test("a new cancellation shows up and changes the ETag once the ledger changes")
    func freshAfterChange() async throws {
        let fixture = try await PublicRegistryFixture()
        let reports = try PublicReports(storePath: fixture.path)
        let first = await reports.respond(to: request("/voluntary-cancellations", query: ["format": "json"]))
        let before = try JSONDecoder().decode(CancellationJSON.self, from: Data(first.body))
        _ = try await PublicRegistryFixture.notify(fixture.engine, fixture.inFlight, .checkedNoDiscrepancy)
        let second = await reports.respond(to: request("/voluntary-cancellations", query: ["format": "json"]))
        let after = try JSONDecoder().decode(CancellationJSON.self, from: Data(second.body))
        #expect(after.total == before.total + 1)
        #expect(after.items.last?.transaction == fixture.inFlight.rawValue)
        #expect(after.items.last?.beneficiary == "Pending")
        #expect(first.header("etag") != second.header("etag"))
    }
}

@Suite struct DecodedRecordsTests {
    struct Record: Codable, Hashable, Sendable { var quantity: Int }

    @Test("records are decoded once per content: changed bytes are decoded anew, never served stale")
    func contentAddressed() throws {
        let cache = DecodedRecords<Record>(capacity: 3)
        let decoder = JSONDecoder()
        let first = Data(#"{"quantity":10}"#.utf8)
        #expect(try cache.decode(first, with: decoder) == Record(quantity: 10))
        #expect(try cache.decode(first, with: decoder) == Record(quantity: 10))
        #expect(cache.count == 1)
        let changed = Data(#"{"quantity":7}"#.utf8)
        #expect(try cache.decode(changed, with: decoder) == Record(quantity: 7), "the rewritten record, not the old")
        #expect(cache.count == 2)
        #expect(throws: DecodingError.self) { try cache.decode(Data("{}".utf8), with: decoder) }
        for quantity in 0..<5 { _ = try cache.decode(Data(#"{"quantity":\#(quantity)}"#.utf8), with: decoder) }
        #expect(cache.count <= 3, "bounded")
    }
}
