import Foundation
import RegistryWeb

/// A handler for the server tests: a page with an ETag, an echo of the parsed request, a form, a slow answer.
struct WebTestHandler: WebHandler {
    struct Echo: Codable {
        var method: String
        var path: [String]
        var query: [String: String]
        var headerNames: [String]
        var isHead: Bool
        var bodyBytes: Int
    }

    func respond(to request: WebRequest) async -> WebResponse {
        switch (request.method, request.path) {
        case ("GET", ["page"]):
            let name = request.query["name"] ?? "world"
            return WebResponse.html(
                WebPage.layout(title: "Hello", main: "<p>Hello, \(HTML.escape(name))</p>")
            ).conditional(on: request)
        case (_, let path) where path.first == "echo" && path.count <= 2:
            return .json(
                Echo(
                    method: request.method, path: request.path, query: request.query,
                    headerNames: request.headers.keys.sorted(), isHead: request.isHead, bodyBytes: request.body.count))
        case ("POST", ["form"]):
            do {
                let form = try FormData(request: request)
                return .text("name=\(try form.required("name"))")
            } catch {
                return .error(status: 400, message: error.description)
            }
        case (_, ["form"]):
            return .methodNotAllowed(allowed: ["POST"])
        case ("GET", ["slow"]):
            try? await Task.sleep(for: .milliseconds(300))
            return .text("slow")
        default:
            return .notFound
        }
    }
}
