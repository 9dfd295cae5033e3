import Foundation
import Testing

@testable import DES

/// A message's values as plain text leaves, records and lists: what both SOAP stacks can be compared on.
indirect enum ValueTree: Equatable, CustomStringConvertible {
    case text(String)
    case record([String: ValueTree])
    case list([ValueTree])
    case empty

    init(json: Any) {
        switch json {
        case let record as [String: Any]:
            self = record.isEmpty ? .empty : .record(record.mapValues(ValueTree.init(json:)))
        case let list as [Any]: self = list.isEmpty ? .empty : .list(list.map(ValueTree.init(json:)))
        case let text as String: self = text.isEmpty ? .empty : .text(text)
        default: self = .text("\(json)")
        }
    }

    /// The tree of an element of our own encoding: `item` children make a list (SOAP-ENC arrays).
    init(_ document: SOAPDocument, _ node: Int32) {
        let children = document.children(node)
        if children.isEmpty {
            let text = document.string(node)
            self = text.isEmpty ? .empty : .text(text)
        } else if document.name(children[0]) == "item" {
            self = .list(children.map { ValueTree(document, $0) })
        } else {
            self = .record(
                Dictionary(uniqueKeysWithValues: children.map { (document.name($0), ValueTree(document, $0)) }))
        }
    }

    /// The values of `message` as this codec encodes them.
    init(_ message: any DESMessage) throws {
        let part = encodeStandaloneAny(message)
        let document = try part.withUnsafeBytes { raw in
            try Result { () throws(DESError) in try SOAPDocument.parse(raw, limits: .standard) }.get()
        }
        self.init(document, document.root)
    }

    var description: String {
        switch self {
        case .text(let text): "\"\(text)\""
        case .empty: "∅"
        case .list(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .record(let fields):
            "{" + fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        }
    }
}

@Suite("Interoperability with suds, an independent SOAP 1.1 stack")
struct InteropTests {
    static let pythonPackages = "/tmp/cdm-registry-des-python"

    /// suds-community on PYTHONPATH, installed from PyPI into a folder under /tmp when it is missing.
    static func ensureSuds() throws -> String {
        let check = try PythonRunner.run(["-c", "import suds"], pythonPath: pythonPackages)
        if check.status == 0 { return pythonPackages }
        let install = try PythonRunner.run([
            "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target", pythonPackages,
            "suds-community",
        ])
        guard install.status == 0 else {
            throw InteropFailure(description: "pip install suds-community failed: \(install.stderr)")
        }
        return pythonPackages
    }

    struct InteropFailure: Error, CustomStringConvertible { var description: String }

    @Test("suds requests for every operation decode with the same values; suds reads our responses")
    func sudsRoundTrip() throws {
        let pythonPath = try Self.ensureSuds()
        let responseDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("des-responses-\(UUID())")
        try FileManager.default.createDirectory(at: responseDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: responseDirectory) }
        var sentResponses: [String: any DESMessage] = [:]
        for response in try DESSamples.responses(full: true) {
            let operation = type(of: response).operation.rawValue
            sentResponses[operation] = response
            try Data(encodeAny(response)).write(to: responseDirectory.appendingPathComponent("\(operation).xml"))
        }
        let output = try PythonRunner.run(
            [
                PythonRunner.script("suds_interop.py"),
                DESSamples.packageRoot.appendingPathComponent("schemas/des").path,
                responseDirectory.path,
            ], pythonPath: pythonPath)
        try #require(output.status == 0, "suds_interop.py failed: \(output.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let requests = try #require(json["requests"] as? [[String: Any]])
        let responses = try #require(json["responses"] as? [[String: Any]])
        #expect(requests.count == 21)
        #expect(responses.count == 21)

        for entry in requests {
            let operation = entry["operation"] as? String ?? ""
            let service: DESService = entry["service"] as? String == "registry" ? .registry : .transactionLog
            let expected = ValueTree(json: entry["values"] ?? [:])
            for form in ["envelope", "multiref"] {
                let envelope = Array((entry[form] as? String ?? "").utf8)
                do {
                    let request = try DESCodec.decodeRequest(
                        envelope, soapAction: entry["soapAction"] as? String, service: service)
                    #expect(request.operation.rawValue == operation)
                    let decoded = try ValueTree(request.message)
                    #expect(
                        decoded == expected, "\(service) \(operation) \(form):\n ours: \(decoded)\n suds: \(expected)")
                } catch {
                    Issue.record("\(service) \(operation) \(form): \(error)")
                }
            }
        }
        for entry in responses {
            let operation = entry["operation"] as? String ?? ""
            #expect(entry["error"] == nil, "suds could not read our \(operation) response: \(entry["error"] ?? "")")
            guard let sent = sentResponses[operation], let values = entry["values"] else { continue }
            let read = ValueTree(json: values)
            let ours = try ValueTree(sent)
            #expect(read == ours, "\(operation):\n ours: \(ours)\n suds: \(read)")
        }
    }
}
