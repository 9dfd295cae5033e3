import Foundation

/// The answer to a `WebRequest`: status, headers and body. The server adds Content-Length, Date and, for HEAD,
/// drops the body.
public struct WebResponse: Sendable {
    public var status: Int
    /// Header names as they should be written (`Content-Type`, `ETag`, `Location`, ...).
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, whatever its case.
    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// What a public listener plugs into the server (public reports, the online platform).
public protocol WebHandler: Sendable {
    /// Never throws: bad input is answered with a 4xx page or document naming what was wrong, failures with a 5xx.
    func respond(to request: WebRequest) async -> WebResponse
}
