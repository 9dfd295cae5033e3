import Foundation
import RegistryAdmin
import RegistrySandbox
import Testing

extension RegistryNetwork {
    /// The common start of a scenario: project 1001 registered, the CDM holding account 5001 opened, CP2 CERs
    /// 1...`last` issued through the ITL (completed), and `toHolder` of them forwarded to the holding account.
    func registerProjectAndIssue(last: Int64, sopAdminDue: Int64 = 0, toHolder: Int64? = nil) async throws {
        try await ctl(
            "project.register",
            ["number": 1001, "title": "Andes Wind", "hostParty": "CL", "participants": ["pp:andes"]])
        try await ctl("account.open", ["type": 100, "identifier": 5001, "name": "Andes Wind holding"])
        let issued = try await ctl(
            "issue",
            [
                "project": 1001, "issuance": 1, "unitType": "CER", "firstSerial": 1, "lastSerial": .integer(last),
                "commitmentPeriod": 2, "monitoringStart": "2019-01-01", "monitoringEnd": "2019-12-31",
                "sopAdminDue": .integer(sopAdminDue),
            ])
        let status = try await awaitFinal(issued["transaction"]?.stringValue ?? "")
        #expect(status == 4, "issuance completed")
        if let toHolder {
            try await ctl(
                "forward",
                [
                    "project": 1001, "issuance": 1, "to": "CDM-100-5001-0", "quantity": .integer(toHolder),
                    "instructedBy": "pp:andes",
                ])
        }
    }
}

/// Runs `body` and stops every process of `network` afterwards, also when it fails (the error then carries the end
/// of the daemon's and the ITL's logs): no test leaves a process behind.
func stopping(_ network: RegistryNetwork, _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch {
        let daemon = network.daemon?.tail(lines: 20) ?? ""
        let itl = network.itl?.tail(lines: 15) ?? ""
        await network.stop()
        throw NetworkError("\(error)\n--- daemon log ---\n\(daemon)\n--- itl log ---\n\(itl)")
    }
    await network.stop()
}
