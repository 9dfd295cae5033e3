import Foundation
import RegistryWeb

/// How a report is answered. The scheme: `?format=html|json|csv`; without it the Accept header may ask for
/// `application/json` or `text/csv`; otherwise HTML. One address per report, so links and ETags stay simple.
enum ReportFormat: String, Sendable, CaseIterable {
    case html
    case json
    case csv

    /// Why a format could not be chosen (answered 400).
    struct Unknown: Error, CustomStringConvertible {
        var value: String
        var description: String { "query parameter 'format' must be html, json or csv, not '\(value)'" }
    }

    static func of(_ request: WebRequest) throws(Unknown) -> ReportFormat {
        if let value = request.query["format"] {
            guard let format = ReportFormat(rawValue: value.lowercased()) else { throw Unknown(value: value) }
            return format
        }
        let accept = request.header("accept")?.lowercased() ?? ""
        let types = accept.split(separator: ",").map {
            String($0.split(separator: ";").first ?? "").trimmingCharacters(in: .whitespaces)
        }
        if types.first == "application/json" || (types.contains("application/json") && !types.contains("text/html")) {
            return .json
        }
        if types.first == "text/csv" || (types.contains("text/csv") && !types.contains("text/html")) { return .csv }
        return .html
    }
}
