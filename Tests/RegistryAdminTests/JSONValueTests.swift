import Foundation
import Testing

@testable import RegistryAdmin

@Suite("JSONValue keeps what the wire carries")
struct JSONValueTests {
    static func roundTrip(_ value: JSONValue) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }

    @Test("Int64 extremes survive a round trip exactly")
    func integerExtremes() throws {
        for number in [Int64.max, Int64.min, 0, -1, 9_007_199_254_740_993] {
            #expect(try Self.roundTrip(.integer(number)) == .integer(number))
        }
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data("9223372036854775807".utf8))
        #expect(decoded == .integer(Int64.max))
    }

    @Test("nested objects and arrays round trip with every kind of value")
    func nested() throws {
        let value: JSONValue = [
            "account": "CDM-100-1-2-57",
            "blocks": [["first": 1, "last": .integer(Int64.max)], ["first": 10, "last": 20]],
            "ok": true, "note": "line one\nline two", "ratio": .number(0.5), "none": nil,
            "deep": ["a": ["b": ["c": [1, "two", false]]]],
        ]
        #expect(try Self.roundTrip(value) == value)
    }

    @Test("booleans, whole numbers and fractions decode as their own kinds")
    func kinds() throws {
        func decode(_ text: String) throws -> JSONValue {
            try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        }
        #expect(try decode("true") == .bool(true))
        #expect(try decode("1") == .integer(1))
        #expect(try decode("1.5") == .number(1.5))
        #expect(try decode("\"1\"") == .string("1"))
        #expect(try decode("null") == .null)
    }

    @Test("description is compact JSON with sorted keys")
    func description() {
        let value: JSONValue = ["b": [1, 2], "a": "x/y"]
        #expect(value.description == #"{"a":"x/y","b":[1,2]}"#)
    }

    @Test("requests and responses round trip through their wire form")
    func messages() throws {
        let request = AdminRequest(
            id: "7", command: "transfer", arguments: ["from": "CDM-100-1-2-57", "quantity": .integer(Int64.max)])
        let decodedRequest = try JSONDecoder().decode(AdminRequest.self, from: JSONEncoder().encode(request))
        #expect(decodedRequest == request)
        let response = AdminResponse.failure(id: "7", .unknownCommand("nope"))
        let decodedResponse = try JSONDecoder().decode(AdminResponse.self, from: JSONEncoder().encode(response))
        #expect(decodedResponse == response)
    }
}
