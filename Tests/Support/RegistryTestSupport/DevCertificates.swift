import Foundation
import RegistryNet

/// Shared by the test targets that need real certificates (RegistryNetTests, SimulatorsTests).
/// Fresh development certificates for one test suite, made by `certs/make-dev-certs.sh` in a temporary folder (keys
/// are never reused between runs), with CDM, CH and ITL certificates, an expired CDM and a CDM from another CA.
public struct DevCertificates: Sendable {
    public let directory: URL

    public static func make() throws -> DevCertificates {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let script = packageRoot.appendingPathComponent("certs/make-dev-certs.sh").path
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("registrynet-certs-\(UUID().uuidString)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script, "--expired", "CDM", "--foreign", "CDM", directory.path, "CDM", "CH", "ITL"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw ScriptFailure(message: "make-dev-certs.sh exited \(process.terminationStatus): \(message)")
        }
        return DevCertificates(directory: directory)
    }

    public struct ScriptFailure: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// The identity files of `name` (e.g. "CDM", "CDM-expired", "CDM-foreign"), trusting the development CA.
    public func identity(_ name: String) -> TLSIdentity {
        TLSIdentity(certificatePath: path("\(name).crt"), privateKeyPath: path("\(name).key"),
            trustedCAPath: path("ca.crt"))
    }

    public func loaded(_ name: String) throws -> LoadedTLSIdentity { try identity(name).load() }
}
