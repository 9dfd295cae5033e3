extension WebResponse {
    /// Tags a 200 answer with a strong ETag (unless it has one) and answers 304 Not Modified when the request's
    /// If-None-Match already names it, so a client polling a report downloads it only when it changed.
    public func conditional(on request: WebRequest) -> WebResponse {
        guard status == 200 else { return self }
        var tagged = self
        let tag: String
        if let existing = header("ETag") {
            tag = existing
        } else {
            tag = ETag.strong(for: body)
            tagged.headers.append(("ETag", tag))
        }
        guard request.method == "GET", let ifNoneMatch = request.header("if-none-match"),
            ETag.ifNoneMatch(ifNoneMatch, matches: tag)
        else { return tagged }
        // RFC 9110 15.4.5: a 304 carries the validators and caching headers the 200 would have had, no body.
        let kept = tagged.headers.filter {
            let name = $0.0.lowercased()
            return name == "etag" || name == "cache-control" || name == "vary" || name == "content-location"
        }
        return WebResponse(status: 304, headers: kept, body: [])
    }
}
