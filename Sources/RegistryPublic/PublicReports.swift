import Foundation
import GRDB
import Logging
import RegistryCore
import RegistryWeb

/// The public information listener's pages: issuance per project, the Adaptation Fund account and voluntary
/// cancellations, each as HTML, JSON and CSV, read from the registry's store opened read-only.
///
/// Only GET (and HEAD, which the server maps to GET) is answered; every answer carries a strong ETag and is
/// revalidated (`Cache-Control: no-cache`), so pollers get 304 until the ledger changes. See docs/PUBLIC-REPORTS.md.
public final class PublicReports: WebHandler {
    private let store: PublicStore
    private let digest: JournalDigest
    private let adaptationFund: AccountIdentifier
    private let logger: Logger
    private let reportedUnreadable = LockedCount()
    /// Issuance records decoded for earlier pages, by their bytes.
    let issuanceRecords = DecodedRecords<IssuanceRecord>()

    /// Opens `storePath` (the daemon's SQLite store) read-only. Fails if the file is missing or is not a registry
    /// store of schema 2 or later.
    public init(
        storePath: String, adaptationFund: AccountIdentifier = .adaptationFund,
        logger: Logger = Logger(label: "registry.public")
    ) throws(PublicReportsError) {
        store = try PublicStore(path: storePath)
        digest = JournalDigest(adaptationFund: adaptationFund)
        self.adaptationFund = adaptationFund
        self.logger = logger
    }

    /// Closes the read-only connections (after the listener has stopped).
    public func close() throws { try store.close() }

    public func respond(to request: WebRequest) async -> WebResponse {
        guard request.method == "GET" else { return .methodNotAllowed(allowed: ["GET", "HEAD"]) }
        let format: ReportFormat
        do {
            format = try ReportFormat.of(request)
        } catch {
            return .error(status: 400, message: error.description)
        }
        var response: WebResponse
        do {
            response = try await route(request, format: format)
        } catch let problem as BadReportRequest {
            response = Self.failure(400, problem.description, format: format)
        } catch {
            logger.error("public report \(request.path.joined(separator: "/")) failed: \(error)")
            response = Self.failure(500, "The report could not be read from the registry's store.", format: format)
        }
        let unreadable = digest.unreadableEntries
        if unreadable > reportedUnreadable.withLock({ $0 }) {
            reportedUnreadable.withLock { $0 = unreadable }
            logger.warning("\(unreadable) journal entries could not be decoded by this build; reports omit them")
        }
        response.headers.append(("Vary", "Accept"))
        guard response.status == 200 else { return response }
        response.headers.append(("Cache-Control", "no-cache"))
        return response.conditional(on: request)
    }

    private func route(_ request: WebRequest, format: ReportFormat) async throws -> WebResponse {
        let path = request.path
        if path.count == 2, path[0] == "projects" {
            guard let project = Int(path[1]), project > 0 else { return Self.notFound(format) }
            return try await issuances(request, format: format, project: project)
        }
        switch path {
        case []: return index(format: format)
        case ["issuances"]: return try await issuances(request, format: format, project: nil)
        case ["adaptation-fund"]: return try await adaptationFundReport(request, format: format)
        case ["voluntary-cancellations"]: return try await cancellations(request, format: format)
        default: return Self.notFound(format)
        }
    }

    // MARK: Reports

    private func index(format: ReportFormat) -> WebResponse {
        let reports = [
            ReportLink(
                title: "Issuance per project and monitoring period", href: "/issuances",
                description: "Every issuance of CERs, tCERs and lCERs with its share of proceeds."),
            ReportLink(
                title: "The Adaptation Fund account", href: "/adaptation-fund",
                description: "What the Adaptation Fund account holds and what was credited to it."),
            ReportLink(
                title: "Voluntary cancellations", href: "/voluntary-cancellations",
                description: "Completed voluntary cancellations with beneficiary and purpose, by date range."),
        ]
        switch format {
        case .json: return .json(["reports": reports])
        case .csv:
            var writer = CSVWriter(header: ["title", "href", "description"])
            for report in reports {
                writer.append([.text(report.title), .text(report.href), .text(report.description)])
            }
            return .csv(writer, filename: "reports.csv")
        case .html:
            var main = "<p>Public information from the registry's ledger, as pages, JSON and CSV.</p><ul>"
            for report in reports {
                main += "<li><a href=\"\(report.href)\">\(HTML.escape(report.title))</a>: "
                    + "\(HTML.escape(report.description))</li>"
            }
            main += "</ul>"
            return .html(
                WebPage.layout(
                    title: "Public reports", main: main, navigation: ReportPresentation.navigation(current: "/"),
                    siteName: ReportPresentation.siteName))
        }
    }

    private func issuances(_ request: WebRequest, format: ReportFormat, project chosen: Int?) async throws
        -> WebResponse
    {
        var filter = chosen
        if filter == nil, let raw = request.query["project"], !raw.isEmpty {
            guard let number = Int(raw), number > 0 else {
                throw BadReportRequest("query parameter 'project' must be a project number, not '\(raw)'")
            }
            filter = number
        }
        let project = filter
        let paging = try Self.paging(request, format: format)
        let projectPage = request.path.first == "projects"
        let found: (report: IssuanceReport, project: Project?) = try await store.read { db in
            var record: Project?
            if let project, projectPage {
                guard let data = try Data.fetchOne(db, sql: "SELECT record FROM projects WHERE number = ?",
                    arguments: [project])
                else { return (IssuanceReport.empty, nil) }
                record = try JSONDecoder().decode(Project.self, from: data)
            }
            let report = try IssuanceReport.read(
                project: project, offset: paging.offset, limit: paging.limit, page: paging.pagination.page,
                perPage: paging.pagination.perPage, records: self.issuanceRecords, in: db)
            return (report, record)
        }
        if projectPage && found.project == nil { return Self.notFound(format) }
        let report = found.report
        let path = projectPage ? "/projects/\(project ?? 0)" : "/issuances"
        var response: WebResponse
        switch format {
        case .json:
            if let record = found.project {
                response = .json(ProjectPage(project: ProjectSummary(record), issuances: report))
            } else {
                response = .json(report)
            }
        case .csv:
            response = .csv(report.csv, filename: project.map { "issuances-project-\($0).csv" } ?? "issuances.csv")
        case .html:
            if let record = found.project {
                response = .html(Self.projectPage(record, report, query: request.query, pagination: paging.pagination))
            } else {
                response = .html(report.page(query: request.query, pagination: paging.pagination))
            }
        }
        Self.addLinks(&response, paging, path: path, query: request.query, total: report.total)
        return response
    }

    private func adaptationFundReport(_ request: WebRequest, format: ReportFormat) async throws -> WebResponse {
        let paging = try Self.paging(request, format: format)
        let table = request.query["table"] ?? "inflows"
        guard table == "inflows" || table == "holdings" else {
            throw BadReportRequest("query parameter 'table' must be inflows or holdings, not '\(table)'")
        }
        let account = adaptationFund
        let report = try await store.read { [digest] db in
            let head = try digest.catchUp(db)
            return try AdaptationFundReport.read(
                account: account, digest: digest, head: head, offset: paging.offset, limit: paging.limit,
                page: paging.pagination.page, perPage: paging.pagination.perPage, in: db)
        }
        var response: WebResponse
        switch format {
        case .json: response = .json(report)
        case .csv:
            response =
                table == "holdings"
                ? .csv(report.holdingsCSV, filename: "adaptation-fund-holdings.csv")
                : .csv(report.inflowsCSV, filename: "adaptation-fund-inflows.csv")
        case .html: response = .html(report.page(query: request.query, pagination: paging.pagination))
        }
        Self.addLinks(&response, paging, path: "/adaptation-fund", query: request.query, total: report.total)
        return response
    }

    private func cancellations(_ request: WebRequest, format: ReportFormat) async throws -> WebResponse {
        let range: ReportDateRange
        do {
            range = try ReportDateRange(query: request.query)
        } catch {
            throw BadReportRequest(error.description)
        }
        let paging = try Self.paging(request, format: format)
        let report = try await store.read { [digest] db in
            let head = try digest.catchUp(db)
            return try CancellationReport.read(
                range: range, digest: digest, head: head, offset: paging.offset, limit: paging.limit,
                page: paging.pagination.page, perPage: paging.pagination.perPage, in: db)
        }
        var response: WebResponse
        switch format {
        case .json: response = .json(report)
        case .csv:
            let from = range.from.map { "-from-\($0)" } ?? ""
            let to = range.to.map { "-to-\($0)" } ?? ""
            let name = "voluntary-cancellations\(from)\(to)"
            response = .csv(report.csv, filename: name + ".csv")
        case .html: response = .html(report.page(query: request.query, pagination: paging.pagination))
        }
        Self.addLinks(&response, paging, path: "/voluntary-cancellations", query: request.query, total: report.total)
        return response
    }

    // MARK: Pieces

    /// Which rows to read: the page asked for, or every row for `all=1` (CSV only: the download of a report).
    struct Paging: Sendable {
        var pagination: Pagination
        var offset: Int
        var limit: Int
        var all: Bool
    }

    static func paging(_ request: WebRequest, format: ReportFormat) throws(BadReportRequest) -> Paging {
        let pagination: Pagination
        do {
            pagination = try Pagination(query: request.query)
        } catch {
            throw BadReportRequest(error.description)
        }
        switch request.query["all"] {
        case nil, "0":
            return Paging(pagination: pagination, offset: pagination.offset, limit: pagination.perPage, all: false)
        case "1":
            guard format == .csv else { throw BadReportRequest("query parameter 'all=1' is for format=csv only") }
            return Paging(pagination: Pagination(page: 1, perPage: Pagination.maximumPerPage), offset: 0,
                limit: Int.max, all: true)
        case let other?: throw BadReportRequest("query parameter 'all' must be 1 or 0, not '\(other)'")
        }
    }

    /// RFC 8288 links to the previous and next pages, and the total as a header for CSV readers.
    static func addLinks(_ response: inout WebResponse, _ paging: Paging, path: String, query: [String: String],
        total: Int)
    {
        response.headers.append(("X-Total-Count", String(total)))
        guard !paging.all, let link = paging.pagination.linkHeader(path: path, query: query, total: total) else {
            return
        }
        response.headers.append(("Link", link))
    }

    static func projectPage(_ project: Project, _ report: IssuanceReport, query: [String: String],
        pagination: Pagination) -> String
    {
        var details = HTMLTable(caption: "Project", columns: [.init("Field"), .init("Value")])
        details.append(["Number", .text(String(project.number))])
        details.append(["Title", .text(project.title)])
        details.append(["Host Party", .text(project.hostParty.rawValue)])
        details.append(["Type", .text(project.projectType)])
        details.append([
            "Share of proceeds",
            .text(project.isLeastDevelopedCountry ? "Exempt (least developed country)" : "2 % to the Adaptation Fund"),
        ])
        var main = details.html + report.summary + report.table(linkProjects: false)
        main += ReportPresentation.pager(
            path: "/projects/\(project.number)", query: query, pagination: pagination, total: report.total,
            shown: report.items.count)
        return WebPage.layout(
            title: "Project \(project.number): \(project.title)", main: main,
            navigation: ReportPresentation.navigation(current: ""), siteName: ReportPresentation.siteName)
    }

    static func notFound(_ format: ReportFormat) -> WebResponse {
        failure(404, "There is no report at this address; the index at / lists them.", format: format)
    }

    /// An error in the format asked for, so a JSON client gets JSON it can read.
    static func failure(_ status: Int, _ message: String, format: ReportFormat) -> WebResponse {
        switch format {
        case .json: .json(["error": message], status: status)
        case .csv, .html: .error(status: status, message: message)
        }
    }
}

/// A request the reports refuse (answered 400 with this text).
struct BadReportRequest: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

struct ReportLink: Encodable, Sendable {
    var title: String
    var href: String
    var description: String
}

struct ProjectSummary: Encodable, Sendable {
    var number: Int
    var title: String
    var hostParty: String
    var projectType: String
    var leastDevelopedCountry: Bool

    init(_ project: Project) {
        number = project.number
        title = project.title
        hostParty = project.hostParty.rawValue
        projectType = project.projectType
        leastDevelopedCountry = project.isLeastDevelopedCountry
    }
}

struct ProjectPage: Encodable, Sendable {
    var project: ProjectSummary
    var issuances: IssuanceReport
}

extension IssuanceReport {
    static let empty = IssuanceReport(
        project: nil, total: 0, page: 1, perPage: 1, totalQuantityIssued: 0, totalShareOfProceeds: 0, items: [])
}

/// A counter shared by concurrent requests (how many undecodable journal entries were already logged).
final class LockedCount: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func withLock<T>(_ body: (inout Int) -> T) -> T { lock.withLock { body(&value) } }
}
