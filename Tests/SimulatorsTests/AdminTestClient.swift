import Foundation
import Testing
@testable import Simulators

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Talks to an admin endpoint over loopback HTTP the way the end-to-end harness will.
struct AdminTestClient {
    let port: Int

    struct Answer {
        var status: Int
        var contentType: String?
        var body: Data

        /// The body as a JSON object (empty when it is not one).
        var object: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var error: String? { object["error"] as? String }
    }

    func call(_ method: String, _ path: String, _ body: String? = nil) async throws -> Answer {
        let url = try #require(URL(string: "http://127.0.0.1:\(port)\(path)"))
        var request = URLRequest(url: url)
        request.httpMethod = method
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        return Answer(
            status: http.statusCode, contentType: http.value(forHTTPHeaderField: "Content-Type"), body: data)
    }
}
