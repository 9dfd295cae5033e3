import Foundation
import RegistrySandbox

/// Debian's headless Chromium, run once per page: a screenshot and the DOM after rendering, so a test sees what a
/// browser shows (the pages have no JavaScript; the DOM is the served HTML as the browser parsed it).
struct HeadlessChromium {
    let executable: String

    static let candidates = ["/usr/bin/chromium-headless-shell", "/usr/bin/chromium", "/usr/lib/chromium/chromium"]

    init() throws {
        guard let found = Self.candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw NetworkError(
                "no headless Chromium: apt-get install chromium-headless-shell (looked for \(Self.candidates))")
        }
        executable = found
    }

    /// Renders `url` at `width` x `height` CSS pixels into the PNG at `path`; returns the rendered DOM. Chromium
    /// runs for seconds: it is waited for on a thread of its own, never on one of the few threads that run every
    /// test's async code (blocking them stalls the other suites running in parallel).
    func capture(_ url: String, to path: String, width: Int = 1100, height: Int = 1400) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try captureBlocking(url, to: path, width: width, height: height) })
            }.start()
        }
    }

    private func captureBlocking(_ url: String, to path: String, width: Int, height: Int) throws -> String {
        try? FileManager.default.removeItem(atPath: path)
        let common = [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            "--disable-dev-shm-usage", "--window-size=\(width),\(height)",
        ]
        _ = try run(common + ["--screenshot=\(path)", url])
        let png = try Data(contentsOf: URL(fileURLWithPath: path))
        guard png.count > 1_000, png.starts(with: [0x89, 0x50, 0x4E, 0x47]) else {
            throw NetworkError("Chromium wrote no PNG for \(url) (\(png.count) bytes)")
        }
        return try run(common + ["--dump-dom", url])
    }

    private func run(_ arguments: [String]) throws -> String {
        let run = try CommandRun.blocking(URL(fileURLWithPath: executable), arguments)
        guard run.status == 0 else {
            throw NetworkError("\(executable) \(arguments.last ?? "") exited \(run.status)")
        }
        return run.output
    }
}
