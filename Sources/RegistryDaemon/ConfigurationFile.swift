import Foundation
import RegistryAdmin
import TOMLKit

/// The configuration file's syntax, chosen by its extension: TOML for operators (comments, the annotated example in
/// deploy/), JSON for scripts and tests. Both become one `JSONValue` tree, so both go through one validation.
enum ConfigurationFile {
    enum Syntax: String {
        case toml
        case json
    }

    static func syntax(of path: String) throws(ConfigurationError) -> Syntax {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "toml": .toml
        case "json": .json
        default: throw ConfigurationError(key: path, problem: "must end in .toml or .json (the syntax follows it)")
        }
    }

    /// Reads the file and returns its top-level table as a JSON object.
    static func read(path: String) throws(ConfigurationError) -> [String: JSONValue] {
        let syntax = try syntax(of: path)
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ConfigurationError(key: path, problem: "cannot be read: \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(key: path, problem: "is not UTF-8 text")
        }
        return try parse(text, syntax: syntax, name: path)
    }

    static func parse(_ text: String, syntax: Syntax, name: String) throws(ConfigurationError) -> [String: JSONValue] {
        switch syntax {
        case .json:
            let parsed: JSONValue
            do { parsed = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) } catch {
                throw ConfigurationError(key: name, problem: "is not valid JSON: \(error)")
            }
            guard let object = parsed.objectValue else {
                throw ConfigurationError(key: name, problem: "is not a JSON object")
            }
            return object
        case .toml:
            let table: TOMLTable
            do { table = try TOMLTable(string: text) } catch let error as TOMLParseError {
                throw ConfigurationError(
                    key: name, problem: "is not valid TOML: \(error.description) (\(error.source.debugDescription))")
            } catch {
                throw ConfigurationError(key: name, problem: "is not valid TOML: \(error)")
            }
            return try TOMLConversion.object(table, path: "")
        }
    }
}

/// TOML values as the JSON tree the reader checks: tables are objects; dates and times become their RFC 3339 text,
/// which is how the JSON file writes them (so `clockStart = 2026-01-01T00:00:00Z` and the quoted form agree).
enum TOMLConversion {
    static func object(_ table: TOMLTable, path: String) throws(ConfigurationError) -> [String: JSONValue] {
        var object: [String: JSONValue] = [:]
        for (key, value) in table {
            let name = path.isEmpty ? key : "\(path).\(key)"
            object[key] = try convert(value.tomlValue, path: name)
        }
        return object
    }

    static func convert(_ value: TOMLValue, path: String) throws(ConfigurationError) -> JSONValue {
        switch value.type {
        case .table:
            guard let table = value.table else { break }
            return .object(try object(table, path: path))
        case .array:
            guard let array = value.array else { break }
            var values: [JSONValue] = []
            for (index, element) in array.enumerated() {
                values.append(try convert(element.tomlValue, path: "\(path)[\(index)]"))
            }
            return .array(values)
        case .string:
            if let text = value.string { return .string(text) }
        case .int:
            if let number = value.int { return .integer(Int64(number)) }
        case .double:
            if let number = value.double { return .number(number) }
        case .bool:
            if let flag = value.bool { return .bool(flag) }
        case .date:
            if let date = value.date { return .string(text(date)) }
        case .time:
            if let time = value.time { return .string(text(time)) }
        case .dateTime:
            if let dateTime = value.dateTime {
                var result = "\(text(dateTime.date))T\(text(dateTime.time))"
                if let offset = dateTime.offset {
                    let minutes = abs(offset.offset)
                    result +=
                        offset.offset == 0
                        ? "Z" : "\(offset.offset < 0 ? "-" : "+")\(pad(minutes / 60, 2)):\(pad(minutes % 60, 2))"
                }
                return .string(result)
            }
        }
        throw ConfigurationError(key: path, problem: "has a TOML value that cannot be read")
    }

    static func text(_ date: TOMLDate) -> String { "\(pad(date.year, 4))-\(pad(date.month, 2))-\(pad(date.day, 2))" }

    static func text(_ time: TOMLTime) -> String {
        var result = "\(pad(time.hour, 2)):\(pad(time.minute, 2)):\(pad(time.second, 2))"
        if time.nanoSecond > 0 { result += ".\(pad(time.nanoSecond / 1_000_000, 3))" }
        return result
    }

    static func pad(_ number: Int, _ width: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
