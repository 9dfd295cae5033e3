import Foundation
import Testing

@testable import RegistryAdmin

/// A refused connection's socket is closed by `deinit` alone, which runs when the initializer throws once every
/// stored property is set. (It was also closed in the initializer: twice, the second time possibly another
/// thread's descriptor that had just been given the same number. That race is not reproducible in a test; this
/// checks that relying on `deinit` leaks nothing.)
@Suite struct AdminClientDescriptorTests {
    private static func openDescriptorCount() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
    }

    @Test("refused connections leave no descriptor open")
    func refusedConnectionsLeaveNoDescriptor() throws {
        let path = NSTemporaryDirectory() + "no-daemon-\(UUID().uuidString).sock"
        let before = Self.openDescriptorCount()
        for _ in 0..<2_000 {
            #expect(throws: AdminClientError.self) { _ = try AdminClient(path: path) }
        }
        // Other suites open and close descriptors meanwhile; one leaked per attempt would add 2,000.
        #expect(Self.openDescriptorCount() - before < 1_000)
    }
}
