extension WebRequest {
    /// Builds a request from what the HTTP decoder read: splits and decodes the target, lower-cases header names.
    ///
    /// Accepts origin form (`/a/b?x=1`), absolute form (`http://host/a`, RFC 9112 3.2.2 says servers must) and
    /// `*`; anything else is a 400. A HEAD becomes GET with `isHead`.
    public static func parse(
        method: String, target: String, headers: [(String, String)], body: [UInt8]
    ) throws(WebRequestError) -> WebRequest {
        let (path, query) = try parseTarget(target)
        var joined: [String: String] = [:]
        for (name, value) in headers {
            let key = name.lowercased()
            if let existing = joined[key] { joined[key] = existing + ", " + value } else { joined[key] = value }
        }
        let isHead = method == "HEAD"
        return WebRequest(
            method: isHead ? "GET" : method, path: path, query: query, headers: joined, body: body, isHead: isHead)
    }

    /// The path's decoded, non-empty segments and the query's parameters (a repeated name keeps its last value).
    static func parseTarget(_ target: String) throws(WebRequestError) -> ([String], [String: String]) {
        var rest = Substring(target)
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        if rest == "*" { return ([], [:]) }
        let lower = rest.prefix(8).lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            let afterScheme = rest[rest.index(rest.startIndex, offsetBy: lower.hasPrefix("http://") ? 7 : 8)...]
            rest = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }).map { afterScheme[$0...] } ?? "/"
            if rest.first == "?" { rest = "/" + rest }
        }
        guard rest.first == "/" else { throw .unsupportedTarget(String(target.prefix(200))) }
        let pathPart: Substring
        var queryPart: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            pathPart = rest[..<mark]
            queryPart = rest[rest.index(after: mark)...]
        } else {
            pathPart = rest
        }
        var path: [String] = []
        for segment in pathPart.utf8.split(separator: UInt8(ascii: "/")) {
            do {
                path.append(try URLEncoding.decode(segment, plusIsSpace: false))
            } catch {
                throw .malformedPath(String(decoding: segment.prefix(100), as: UTF8.self), error.reason)
            }
        }
        var query: [String: String] = [:]
        do {
            for (name, value) in try URLEncoding.pairs(queryPart.utf8) { query[name] = value }
        } catch {
            throw .malformedQuery(error)
        }
        return (path, query)
    }
}
