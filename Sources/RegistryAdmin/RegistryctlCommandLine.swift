import ArgumentParser
import Foundation

/// What one registryctl command line asks for: which socket, which output, which request.
public struct RegistryctlInvocation: Hashable, Sendable {
    public var socketPath: String
    public var json: Bool
    public var request: AdminRequest
    /// `queue --watch`: repeat the request and redraw this often.
    public var watchInterval: Duration? = nil
}

/// A command line registryctl does not run: usage errors (exit 2) and `--help` (exit 0, on standard output).
public struct RegistryctlUsageError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public var exitCode: Int32
    public var description: String { message }
}

/// registryctl as a function: command line in, exit status out; the executable only calls `run`.
public enum RegistryctlCommandLine {
    /// The socket a packaged daemon listens on (systemd's RuntimeDirectory=cdm-registry).
    public static let defaultSocketPath = "/run/cdm-registry/admin.sock"
    public static let socketEnvironmentVariable = "CDM_REGISTRY_ADMIN_SOCKET"

    /// Exit statuses, documented in docs/OPERATIONS.md, so that scripts can tell a refusal from an outage.
    public enum ExitStatus {
        public static let success: Int32 = 0
        public static let refused: Int32 = 1
        public static let usage: Int32 = 2
        public static let unreachable: Int32 = 3
    }

    /// Turns the arguments (without the program name) into the request to send.
    public static func parse(
        _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(RegistryctlUsageError) -> RegistryctlInvocation {
        let parsed: any ParsableCommand
        do {
            parsed = try Registryctl.parseAsRoot(arguments)
        } catch {
            let code = Registryctl.exitCode(for: error)
            throw RegistryctlUsageError(
                message: Registryctl.fullMessage(for: error),
                exitCode: code == .success ? ExitStatus.success : ExitStatus.usage)
        }
        guard let command = parsed as? any RegistryctlRequestCommand else {
            // `--help`, `help COMMAND`, or a group such as `account` alone: running them throws their help text.
            var other = parsed
            do {
                try other.run()
            } catch {
                let code = Registryctl.exitCode(for: error)
                throw RegistryctlUsageError(
                    message: Registryctl.fullMessage(for: error),
                    exitCode: code == .success ? ExitStatus.success : ExitStatus.usage)
            }
            throw RegistryctlUsageError(
                message: Registryctl.helpMessage(for: type(of: parsed)), exitCode: ExitStatus.usage)
        }
        let request: (command: String, arguments: [String: JSONValue])
        do {
            request = try command.adminRequest()
        } catch {
            throw RegistryctlUsageError(message: Registryctl.fullMessage(for: error), exitCode: ExitStatus.usage)
        }
        let socket = command.options.socket ?? environment[socketEnvironmentVariable].flatMap { $0.isEmpty ? nil : $0 }
        var invocation = RegistryctlInvocation(
            socketPath: socket ?? defaultSocketPath, json: command.options.json,
            request: AdminRequest(id: "1", command: request.command, arguments: request.arguments))
        if let queue = command as? Registryctl.Queue, queue.watch { invocation.watchInterval = .seconds(2) }
        return invocation
    }

    /// Runs registryctl and returns its exit status; output goes to `standardOutput`, problems to `standardError`.
    public static func run(
        _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
        standardOutput: (String) -> Void, standardError: (String) -> Void
    ) -> Int32 {
        let invocation: RegistryctlInvocation
        do {
            invocation = try parse(arguments, environment: environment)
        } catch {
            if error.exitCode == ExitStatus.success {
                standardOutput(error.message + "\n")
            } else {
                standardError(error.message + "\n")
            }
            return error.exitCode
        }
        while true {
            let response: AdminResponse
            do {
                let client = try AdminClient(path: invocation.socketPath)
                response = try client.send(invocation.request)
            } catch {
                standardError("registryctl: \(error)\n")
                return ExitStatus.unreachable
            }
            guard response.ok else {
                let error = response.error ?? AdminError(code: "unknown", message: "the daemon refused without a reason")
                standardError("registryctl: \(error.code): \(error.message)\n")
                return ExitStatus.refused
            }
            let result = response.result ?? .null
            let text = invocation.json ? result.description : AdminResultText.render(result)
            guard let interval = invocation.watchInterval else {
                if !text.isEmpty { standardOutput(text + "\n") }
                return ExitStatus.success
            }
            // Clear the screen and redraw in place, with the time of this refresh.
            standardOutput("\u{1B}[H\u{1B}[2J\(Date().formatted(.iso8601))  (every \(interval), Ctrl-C to stop)\n\n"
                + (text.isEmpty ? "no transaction in flight" : text) + "\n")
            Thread.sleep(forTimeInterval: Double(interval.components.seconds))
        }
    }

    /// A `call` value: JSON when it parses as JSON (numbers, booleans, arrays, objects, quoted strings), else
    /// the text as typed, so that `account=CDM-100-1-2-57` needs no quoting.
    public static func value(of text: String) -> JSONValue {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else {
            return .string(text)
        }
        return value
    }
}
