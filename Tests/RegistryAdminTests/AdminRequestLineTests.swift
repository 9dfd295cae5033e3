import Foundation
import Testing

@testable import RegistryAdmin

@Suite("Checking a request line before the handler sees it")
struct AdminRequestLineTests {
    static func refusal(_ line: String) -> AdminResponse? {
        if case .refusal(let response) = AdminRequestLine.decode(Data(line.utf8)) { return response }
        return nil
    }

    @Test("a well-formed request decodes with its arguments, which may be absent")
    func wellFormed() {
        let line = #"{"version":1,"id":"7","command":"transfer","arguments":{"quantity":9223372036854775807}}"#
        #expect(
            AdminRequestLine.decode(Data(line.utf8))
                == .request(AdminRequest(id: "7", command: "transfer", arguments: ["quantity": .integer(.max)])))
        #expect(
            AdminRequestLine.decode(Data(#"{"version":1,"id":"8","command":"status"}"#.utf8))
                == .request(AdminRequest(id: "8", command: "status")))
    }

    @Test("invalid JSON is malformed-request with an empty id and the parser's reason")
    func invalidJSON() throws {
        let response = try #require(Self.refusal(#"{"version":1,"id":"#))
        #expect(response.id == "")
        #expect(response.ok == false)
        #expect(response.error?.code == "malformed-request")
        #expect(response.error?.message.hasPrefix("the line is not valid JSON: ") == true)
        #expect((response.error?.message.count ?? 0) > "the line is not valid JSON: ".count)
    }

    @Test(
        "each structural problem is named, and the id is echoed when readable",
        arguments: [
            (#"[1,2]"#, "", "a request must be a JSON object, not an array"),
            (#"{"id":"3","command":"status"}"#, "3", "missing field 'version'"),
            (#"{"version":"1","id":"3","command":"status"}"#, "3", "field 'version' must be a whole number"),
            (#"{"version":1,"command":"status"}"#, "", "missing field 'id'"),
            (#"{"version":1,"id":3,"command":"status"}"#, "", "field 'id' must be a string"),
            (#"{"version":1,"id":"4"}"#, "4", "missing field 'command'"),
            (#"{"version":1,"id":"4","command":""}"#, "4", "field 'command' must not be empty"),
            (#"{"version":1,"id":"5","command":"x","arguments":[1]}"#, "5", "field 'arguments' must be a JSON object"),
            (#"{"version":1,"id":"6","command":"x","argument":{}}"#, "6", "unknown field 'argument'"),
        ])
    func structure(line: String, id: String, problem: String) throws {
        let response = try #require(Self.refusal(line))
        #expect(response.id == id)
        #expect(response.error?.code == "malformed-request")
        #expect(response.error?.message.contains(problem) == true, "\(response.error?.message ?? "")")
    }

    @Test("another protocol version is unsupported-version, whatever else the line holds")
    func version() throws {
        let response = try #require(Self.refusal(#"{"version":2,"id":"9","verb":"status"}"#))
        #expect(response.id == "9")
        #expect(response.error == .unsupportedVersion(2))
    }
}
