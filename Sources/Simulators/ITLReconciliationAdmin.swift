import DES
import Foundation
import RegistryCore

/// The ITL admin routes for reconciliation, record faults and notices (notes/recon-docs.md); `ITLAdmin` asks it
/// for every request its own routes do not match.
public struct ITLReconciliationAdmin: Sendable {
    let driver: ITLReconciliationDriver
    let notices: ITLNoticeLog

    public init(driver: ITLReconciliationDriver, notices: ITLNoticeLog) {
        self.driver = driver
        self.notices = notices
    }

    struct Start: Codable { var registry: String }
    struct ReceivedListing: Codable { var messages: [ITLNoticeLog.ReceivedMessage] }
    struct MessageBody: Codable {
        var registry: String
        var text: String
    }
    struct Started: Codable { var reconciliationIdentifier: String }
    struct Listing: Codable { var reconciliations: [Shown] }
    struct NoticeListing: Codable { var notices: [ITLNotice] }

    /// A reconciliation as the admin endpoint shows it; times ISO 8601 on the simulator's clock.
    struct Shown: Codable {
        var identifier: String
        var registry: String
        var snapshot: String
        var phase: Int
        var status: Int
        var responseCodes: [Int]
        var differences: ITLReconciliationDifferences
        var auditTrail: [String]
        var resultAcknowledged: Bool?
        var detail: String
        var startedAt: String
        var endedAt: String?

        init(_ reconciliation: ITLReconciliation) {
            let format = ISO8601DateFormatter()
            identifier = reconciliation.identifier
            registry = reconciliation.registry.rawValue
            snapshot = format.string(from: reconciliation.snapshot)
            phase = reconciliation.phase.rawValue
            status = reconciliation.status.rawValue
            responseCodes = reconciliation.responseCodes.map(\.rawValue)
            differences = reconciliation.differences
            auditTrail = reconciliation.auditTrail
            resultAcknowledged = reconciliation.resultAcknowledged
            detail = reconciliation.detail
            startedAt = format.string(from: reconciliation.startedAt)
            endedAt = reconciliation.endedAt.map { format.string(from: $0) }
        }
    }

    /// A record fault as JSON: `hideFirst`/`hideLast` and `phantomFirst`/`phantomLast` each come as a pair.
    struct FaultBody: Codable {
        var registry: String?
        var hideFirst: Int64?
        var hideLast: Int64?
        var phantomFirst: Int64?
        var phantomLast: Int64?
        var phantomUnitType: Int?

        init(_ registry: RegistryCode, _ fault: ITLRecordFault) {
            self.registry = registry.rawValue
            hideFirst = fault.hidden?.start
            hideLast = fault.hidden?.end
            phantomFirst = fault.phantom?.start
            phantomLast = fault.phantom?.end
            phantomUnitType = fault.phantom == nil ? nil : fault.phantomUnitType.rawValue
        }

        func fault() throws(AdminInputError) -> (RegistryCode, ITLRecordFault) {
            guard let registry else { throw AdminInputError("missing key 'registry'") }
            let code = try AdminJSON.registry(registry, "registry")
            let hidden = try Self.range(hideFirst, hideLast, "hide")
            let phantom = try Self.range(phantomFirst, phantomLast, "phantom")
            guard hidden != nil || phantom != nil else {
                throw AdminInputError("give hideFirst/hideLast or phantomFirst/phantomLast (DELETE clears faults)")
            }
            let type = phantomUnitType ?? UnitType.cer.rawValue
            guard let unitType = UnitType(rawValue: type), unitType.isCDMUnit else {
                throw AdminInputError("phantomUnitType \(type) is not a CDM unit type (5 CER, 6 tCER, 7 lCER)")
            }
            return (code, ITLRecordFault(hidden: hidden, phantom: phantom, phantomUnitType: unitType))
        }

        static func range(_ first: Int64?, _ last: Int64?, _ name: String) throws(AdminInputError) -> SerialRange? {
            switch (first, last) {
            case (nil, nil): return nil
            case (let first?, let last?):
                do { return try SerialRange(first, last) } catch {
                    throw AdminInputError("\(name)First/\(name)Last: \(error)")
                }
            default: throw AdminInputError("\(name)First and \(name)Last come together")
            }
        }
    }

    /// The answer for a reconciliation, record-fault or notice route; nil when the path is none of them.
    func route(_ request: AdminRequest) async throws -> AdminResponse? {
        var router = AdminRouter(request)
        if router.match("POST", "reconciliations") != nil {
            let body = try AdminJSON.decode(Start.self, from: request.body)
            let registry = try AdminJSON.registry(body.registry, "registry")
            do {
                return .json(Started(reconciliationIdentifier: try await driver.start(registry: registry)))
            } catch .unknownRegistry(let registry) {
                return .error(404, "registry \(registry) is not known to the ITL")
            } catch .alreadyRunning(let registry, let identifier) {
                return .error(409, "reconciliation \(identifier) with \(registry) is still running")
            } catch .record(let error) {
                return .error(500, error.description)
            }
        }
        if router.match("POST", "messages") != nil {
            let body = try AdminJSON.decode(MessageBody.self, from: request.body)
            do {
                let registry = try AdminJSON.registry(body.registry, "registry")
                return .json(try await notices.sendMessage(body.text, to: registry))
            } catch let error as ITLNoticeError {
                return Self.answer(error)
            }
        }
        if router.match("GET", "messages") != nil {
            let received: [ITLNoticeLog.ReceivedMessage]
            do { received = try notices.receivedMessages() } catch { return Self.answer(error) }
            return .json(ReceivedListing(messages: received))
        }
        if router.match("POST", "time-checks") != nil {
            let body = try AdminJSON.decode(Start.self, from: request.body)
            return .json(await notices.checkTime(of: try AdminJSON.registry(body.registry, "registry")))
        }
        if router.match("GET", "reconciliations") != nil {
            return .json(Listing(reconciliations: try driver.log.all().map(Shown.init)))
        }
        if let captures = router.match("GET", "reconciliations/*") {
            guard let found = try driver.log.reconciliation(captures[0]) else {
                return .error(404, "reconciliation \(captures[0]) is not in the ITL log")
            }
            return .json(Shown(found))
        }
        if router.match("GET", "record-faults") != nil {
            let shown = driver.faults.all.map { ($0.key.rawValue, FaultBody($0.key, $0.value)) }
            return .json(Dictionary(uniqueKeysWithValues: shown))
        }
        if router.match("PUT", "record-faults") != nil {
            let (registry, fault) = try AdminJSON.decode(FaultBody.self, from: request.body).fault()
            driver.faults.set(fault, for: registry)
            return .json(FaultBody(registry, fault))
        }
        if router.match("DELETE", "record-faults") != nil {
            let registry = try request.query["registry"].map { code throws(AdminInputError) in
                try AdminJSON.registry(code, "query registry")
            }
            driver.faults.clear(registry)
            return .json([String: FaultBody]())
        }
        if router.match("POST", "notices") != nil {
            let draft = try AdminJSON.decode(ITLNoticeDraft.self, from: request.body)
            do {
                let notice = try await notices.issue(draft)
                return .json(notice, status: notice.delivery == "undelivered" ? 502 : 200)
            } catch {
                return Self.answer(error)
            }
        }
        if router.match("GET", "notices") != nil {
            do {
                let registry = try request.query["registry"].map { code throws(AdminInputError) in
                    try AdminJSON.registry(code, "query registry")
                }
                return .json(NoticeListing(notices: try notices.all(registry: registry)))
            } catch let error as ITLNoticeError {
                return Self.answer(error)
            }
        }
        if let captures = router.match("GET", "notices/*") {
            guard let identifier = Int64(captures[0]) else {
                return .error(400, "notice identifier '\(captures[0])' is not a number")
            }
            do {
                guard let notice = try notices.notice(identifier) else {
                    return .error(404, "notice \(identifier) was never sent by the ITL")
                }
                return .json(notice)
            } catch {
                return Self.answer(error)
            }
        }
        let unmatched = router.unmatched
        return unmatched.status == 405 ? unmatched : nil
    }

    static func answer(_ error: ITLNoticeError) -> AdminResponse {
        switch error {
        case .invalid(let message): .error(400, message)
        case .unknownNotice: .error(404, error.description)
        case .conflict(let message): .error(409, message)
        case .record(let error): .error(500, error.description)
        }
    }
}
