import Foundation

/// One HTTP request to a public listener (reports or the online platform), as read off the wire.
public struct WebRequest: Sendable {
    /// Upper case: GET, POST, ... The server hands a HEAD request to handlers as GET with `isHead` set, so every
    /// page answers HEAD with the same headers and no handler has to route it (the server drops the body).
    public var method: String
    /// True when the client sent HEAD (and `method` reads GET).
    public var isHead: Bool
    /// The path split at `/`, percent-decoded, empty segments dropped (`/offers/7/buy` -> offers, 7, buy).
    public var path: [String]
    /// The query string's parameters, percent-decoded (`+` is a space); a repeated name keeps its last value.
    public var query: [String: String]
    /// Header names in lower case; repeated headers joined with ", ".
    public var headers: [String: String]
    public var body: [UInt8]

    public init(
        method: String, path: [String], query: [String: String] = [:], headers: [String: String] = [:],
        body: [UInt8] = [], isHead: Bool = false
    ) {
        self.method = method
        self.isHead = isHead
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// A header by name, whatever its case.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}
