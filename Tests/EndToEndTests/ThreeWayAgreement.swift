import Foundation
import NIOHTTP1
import RegistryAdmin
import RegistrySandbox
import Testing

/// Serial numbers as sorted, merged, disjoint ranges, so two parties' views compare however they split blocks.
struct SerialSet: Equatable, CustomStringConvertible {
    private(set) var ranges: [ClosedRange<Int64>] = []

    init(_ input: [ClosedRange<Int64>] = []) {
        for range in input.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = ranges.last, range.lowerBound <= last.upperBound + 1 {
                ranges[ranges.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                ranges.append(range)
            }
        }
    }

    var count: Int64 { ranges.reduce(0) { $0 + ($1.upperBound - $1.lowerBound + 1) } }
    var description: String { ranges.map { "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ",") }
}

extension RegistryNetwork {
    /// The daemon's ledger, the ITL's record and every national registry's holdings agree on where each CDM unit
    /// is, nothing is left reserved, and the daemon's store verifies (quantities conserved, journal intact).
    func expectThreeWayAgreement(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let verify = try await ctl("verify")
        #expect(
            verify["intact"] == .bool(true), "daemon store: \(verify["report"] ?? .null)",
            sourceLocation: sourceLocation)
        let blocks = try await ctl("ledger.blocks").arrayValue ?? []
        var daemon: [String: [ClosedRange<Int64>]] = [:]
        for block in blocks {
            guard let location = block["location"]?.stringValue, let first = block["first"]?.integerValue,
                let last = block["last"]?.integerValue
            else { continue }
            let key =
                location.hasPrefix("account:")
                ? "CDM"
                : location.hasPrefix("external:")
                    ? String(location.dropFirst("external:".count)) : location
            daemon[key, default: []].append(first...last)
        }
        let reserved = daemon.keys.filter { $0.hasPrefix("reserved:") }
        #expect(reserved.isEmpty, "units still reserved: \(reserved)", sourceLocation: sourceLocation)

        let itlHoldings = try await simulator("ITL", .GET, "/holdings")["holdings"]?.arrayValue ?? []
        var itl: [String: [ClosedRange<Int64>]] = [:]
        for holding in itlHoldings where holding["originatingRegistry"]?.stringValue == "CDM" {
            guard let holder = holding["holder"]?.stringValue, let first = holding["first"]?.integerValue,
                let last = holding["last"]?.integerValue
            else { continue }
            itl[holder, default: []].append(first...last)
        }
        for party in ["CDM"] + nationalRegistries {
            let ours = SerialSet(daemon[party] ?? [])
            let log = SerialSet(itl[party] ?? [])
            #expect(ours == log, "\(party): daemon \(ours) vs ITL \(log)", sourceLocation: sourceLocation)
            guard party != "CDM" else { continue }
            let theirs = SerialSet(try await nationalHoldings(party))
            #expect(ours == theirs, "\(party): daemon \(ours) vs \(party) \(theirs)", sourceLocation: sourceLocation)
        }
    }

    /// Every CDM unit a national registry holds, over all its accounts.
    func nationalHoldings(_ party: String, account: Int64? = nil) async throws -> [ClosedRange<Int64>] {
        var accounts: [Int64] = []
        if let account {
            accounts = [account]
        } else {
            let listed = try await simulator(party, .GET, "/accounts")
            let items = listed.arrayValue ?? listed["accounts"]?.arrayValue ?? []
            accounts = items.compactMap { $0["identifier"]?.integerValue }
        }
        var ranges: [ClosedRange<Int64>] = []
        for account in accounts {
            let holdings = try await simulator(party, .GET, "/accounts/\(account)/holdings")
            for block in holdings["blocks"]?.arrayValue ?? [] where block["originatingRegistry"]?.stringValue == "CDM" {
                if let first = block["first"]?.integerValue, let last = block["last"]?.integerValue {
                    ranges.append(first...last)
                }
            }
        }
        return ranges
    }

    /// The quantity a national registry holds of CDM units.
    func nationalQuantity(_ party: String) async throws -> Int64 {
        SerialSet(try await nationalHoldings(party)).count
    }

    /// The daemon's view of one transaction.
    func transaction(_ id: String) async throws -> JSONValue {
        try await ctl("transaction.show", ["transaction": .string(id)])
    }

    /// Waits until the daemon reports the transaction final, and returns its DES status.
    @discardableResult
    func awaitFinal(_ id: String, timeout: Duration = .seconds(30)) async throws -> Int64 {
        try await eventually("\(id) final; daemon log:\n\(daemon?.tail() ?? "")", timeout: timeout) {
            (try? await self.transaction(id)["final"]) == .bool(true)
        }
        return try await transaction(id)["status"]?.integerValue ?? 0
    }

    func balance(_ account: String) async throws -> Int64 {
        try await ctl("account.show", ["account": .string(account)])["balance"]?.integerValue ?? -1
    }
}
