import ArgumentParser
import Foundation

/// registryctl's options that every subcommand accepts, before or after the subcommand's name.
public struct RegistryctlOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The daemon's admin socket (default: $CDM_REGISTRY_ADMIN_SOCKET, else /run/cdm-registry/admin.sock).",
            valueName: "path"))
    public var socket: String?

    @Flag(name: .long, help: "Print the result as raw JSON, for scripts.")
    public var json = false

    public init() {}
}

/// The three unit types a CDM issuance can create (DES: CER, tCER, lCER).
enum RegistryctlUnitType: String, ExpressibleByArgument, CaseIterable {
    case cer = "CER"
    case tcer = "tCER"
    case lcer = "lCER"
}

/// Which transactions `transactions` lists.
enum RegistryctlTransactionState: String, ExpressibleByArgument, CaseIterable {
    case inFlight = "in-flight"
    case final
    case all
}

/// A calendar date typed as YYYY-MM-DD, checked here so that a typo is a usage error, not a daemon refusal.
struct RegistryctlDate: ExpressibleByArgument, Hashable {
    let text: String

    init?(argument: String) {
        let parts = argument.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), day >= 1, day <= Self.days(inMonth: month, year: year)
        else { return nil }
        text = argument
    }

    static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

/// Checks shared by the subcommands; each failure is a usage error naming the option.
enum RegistryctlCheck {
    static func positive(_ value: Int64, _ option: String) throws {
        guard value > 0 else { throw ValidationError("\(option) must be a positive whole number, not \(value)") }
    }

    static func notEmpty(_ value: String, _ option: String) throws {
        guard !value.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("\(option) must not be empty")
        }
    }
}
