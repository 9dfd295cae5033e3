import Foundation
import Testing

@testable import DES

@Suite("The derived XML Schema matches common.wsdl and validates what we encode")
struct SchemaTests {
    static let schemas = DESSamples.packageRoot.appendingPathComponent("schemas/des")

    static func validator() throws -> DESSchemaValidator {
        try DESSchemaValidator(schemaPath: schemas.appendingPathComponent("des-parts.xsd").path)
    }

    @Test("des-types.xsd and des-parts.xsd agree with common.wsdl (schema_drift.py)")
    func noDrift() throws {
        let output = try PythonRunner.run([
            PythonRunner.script("schema_drift.py"), Self.schemas.appendingPathComponent("common.wsdl").path,
            Self.schemas.appendingPathComponent("des-types.xsd").path,
            Self.schemas.appendingPathComponent("des-parts.xsd").path,
        ])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        #expect(output.stdout.hasPrefix("OK"))
    }

    @Test("the drift check notices a changed element type")
    func driftIsDetected() throws {
        let original = try String(contentsOf: Self.schemas.appendingPathComponent("des-types.xsd"), encoding: .utf8)
        let changed = original.replacingOccurrences(
            of: "<element name=\"unitCount\" type=\"long\"/>", with: "<element name=\"unitCount\" type=\"int\"/>")
        #expect(changed != original)
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("des-types-drift-\(UUID()).xsd")
        try changed.write(to: copy, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: copy) }
        let output = try PythonRunner.run([
            PythonRunner.script("schema_drift.py"), Self.schemas.appendingPathComponent("common.wsdl").path, copy.path,
            Self.schemas.appendingPathComponent("des-parts.xsd").path,
        ])
        #expect(output.status == 1)
        #expect(output.stdout.contains("Total: elements differ"))
    }

    @Test("every encoded message part validates against the XSD (xmlSchemaValidateDoc)", arguments: [true, false])
    func encodedPartsValidate(full: Bool) throws {
        let validator = try Self.validator()
        let messages: [any DESMessage] = try DESSamples.requests(full: full) + DESSamples.responses(full: full)
        for message in messages {
            let part = encodeStandaloneAny(message)
            do { try validator.validate(part) } catch {
                Issue.record("\(type(of: message)) full=\(full): \(error)\n\(String(decoding: part, as: UTF8.self))")
            }
        }
    }

    @Test("the validator refuses a part with a wrong value, a wrong order or a missing element")
    func validatorBites() throws {
        let validator = try Self.validator()
        let good = String(decoding: encodeStandaloneAny(try DESSamples.proposal(full: true)), as: UTF8.self)
        let badValue = good.replacingOccurrences(of: ">1</majorVersion>", with: ">one</majorVersion>")
        let missing = good.replacingOccurrences(
            of: "<to xsi:type=\"xsd:string\">ITL</to>", with: "")
        let reordered = missing.replacingOccurrences(
            of: "<from xsi:type=\"xsd:string\">CDM</from>",
            with: "<majorVersion xsi:type=\"xsd:int\">1</majorVersion><from xsi:type=\"xsd:string\">CDM</from>")
        for bad in [badValue, missing, reordered] {
            #expect(bad != good)
            #expect(throws: DESSchemaValidator.Failure.self) { try validator.validate(Array(bad.utf8)) }
        }
        let failure = #expect(throws: DESSchemaValidator.Failure.self) { try validator.validate(Array(badValue.utf8)) }
        #expect(failure?.description.contains("majorVersion") == true)
    }
}
