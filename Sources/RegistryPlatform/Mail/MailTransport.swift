import Foundation

/// One plain-text e-mail to one recipient.
public struct MailMessage: Hashable, Sendable {
    public var to: String
    public var subject: String
    public var body: String

    public init(to: String, subject: String, body: String) {
        self.to = to
        self.subject = subject
        self.body = body
    }
}

/// Why a message was not handed over, in words that name the step (connect, a refused recipient, ...).
public struct MailError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Hands messages to a mail server. `send` returns once the server took responsibility for the message (SMTP: the
/// 250 after DATA); it throws when it did not, and the caller tries again later.
public protocol MailTransport: Sendable {
    func send(_ message: MailMessage) async throws(MailError)
}

/// An address as SMTP carries it in `MAIL FROM:<...>` and `RCPT TO:<...>`: one `local@domain`, printable ASCII or
/// UTF-8 letters, no spaces, angle brackets, quotes or line breaks (so nothing can be smuggled into the dialogue or
/// the headers).
enum MailAddress {
    static func check(_ address: String, role: String) throws(MailError) {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        let forbidden = Set("<>()[]\\,;:\" \t\r\n".unicodeScalars)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, address.utf8.count <= 254,
            address.unicodeScalars.allSatisfy({ !forbidden.contains($0) && $0.value >= 0x21 && $0.value != 0x7f })
        else { throw MailError("the \(role) address '\(address.prefix(100))' is not a plain local@domain address") }
    }
}
