import Testing

@testable import RegistryAdmin

@Suite("Readable rendering of results")
struct AdminResultTextTests {
    @Test("an object becomes aligned key: value lines, nested values compact JSON")
    func object() {
        let text = AdminResultText.render([
            "version": "0.1.0", "queueDepth": 3, "paused": false, "store": ["kind": "sqlite"], "peers": [],
        ])
        #expect(
            text == """
                paused:     no
                peers:      (none)
                queueDepth: 3
                store:      {"kind":"sqlite"}
                version:    0.1.0
                """)
    }

    @Test("an array of objects becomes a table with identifier columns first and - for missing cells")
    func table() {
        let text = AdminResultText.render([
            ["type": "transfer", "id": "GB1", "state": "proposed"],
            ["id": "GB22", "state": "final", "attempts": 2],
        ])
        #expect(
            text == """
                ID    ATTEMPTS  STATE     TYPE
                GB1   -         proposed  transfer
                GB22  2         final     -
                """)
    }

    @Test("an object's arrays of objects are shown as indented tables after its lines")
    func objectWithTable() {
        let text = AdminResultText.render(["depth": 1, "peers": [["name": "GB", "reachable": true]]])
        #expect(
            text == """
                depth: 1
                peers:
                  NAME  REACHABLE
                  GB    yes
                """)
    }

    @Test("scalars, empty arrays and null")
    func scalars() {
        #expect(AdminResultText.render("ok") == "ok")
        #expect(AdminResultText.render(.integer(Int64.max)) == "9223372036854775807")
        #expect(AdminResultText.render([]) == "(none)")
        #expect(AdminResultText.render(nil) == "")
    }
}
