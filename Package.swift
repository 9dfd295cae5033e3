// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "cdm-registry",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "RegistryCore", targets: ["RegistryCore"]),
        .library(name: "DES", targets: ["DES"]),
        .library(name: "RegistryStore", targets: ["RegistryStore"]),
        .library(name: "RegistryNet", targets: ["RegistryNet"]),
        .executable(name: "ledger-walkthrough", targets: ["ledger-walkthrough"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
    ],
    targets: [
        // Pure domain: serial ranges, blocks, accounts, the ledger's operations. Foundation only, no I/O, no clock.
        .target(name: "RegistryCore"),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        // The DES wire protocol: SOAP 1.1 rpc/encoded messages over hardened libxml2.
        .target(name: "DES", dependencies: ["RegistryCore", "CLibXML2"]),
        // The durable store: SQLite through GRDB, hash-chained journal.
        .target(
            name: "RegistryStore",
            dependencies: [
                "RegistryCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // HTTPS with mutual TLS: NIO server, AsyncHTTPClient client, peer identity from the certificate.
        .target(
            name: "RegistryNet",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "ledger-walkthrough", dependencies: ["RegistryCore", "RegistryStore"]),
        // The transaction engine: state machines made durable with their ledger effects and an outbox.
        .target(
            name: "RegistryEngine",
            dependencies: [
                "RegistryCore", "DES", "RegistryStore", .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]),
        // The operator's local admin socket: JSON lines over a Unix domain socket (server, client, wire types).
        .target(
            name: "RegistryAdmin",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "registryctl",
            dependencies: ["RegistryAdmin", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // The daemon's parts, wired: configuration, DES endpoint, HTTPS transport, admin commands, service group.
        .target(
            name: "RegistryDaemon",
            dependencies: [
                "RegistryEngine", "RegistryCore", "RegistryStore", "RegistryNet", "RegistryAdmin", "DES",
                "RegistryAttestation", "RegistryWeb", "RegistryPublic", "RegistryPlatform",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]),
        .executableTarget(
            name: "cdm-registryd",
            dependencies: ["RegistryDaemon", "RegistrySandbox", .product(name: "Logging", package: "swift-log")]),
        // Signed attestations of voluntary cancellation: the record, its printable HTML form, signing and checking.
        .target(
            name: "RegistryAttestation",
            dependencies: ["RegistryCore", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "RegistryAttestationTests", dependencies: ["RegistryAttestation", "RegistryCore"]),
        // Plain HTTP/1.1 for the public listeners (reports, online platform): server, pages, CSV, ETag.
        .target(
            name: "RegistryWeb",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // Public information: issuance, the Adaptation Fund, voluntary cancellations, from a read-only store.
        .target(
            name: "RegistryPublic",
            dependencies: [
                "RegistryWeb", "RegistryCore", "RegistryStore", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "RegistryWebTests",
            dependencies: [
                "RegistryWeb", "RegistryPublic", "RegistryStore", "RegistryCore", "RegistryEngine", "DES",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        // The online cancellation platform: offers, orders, payments, its pages.
        .target(
            name: "RegistryPlatform",
            dependencies: [
                "RegistryWeb", "RegistryCore", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]),
        .testTarget(
            name: "RegistryPlatformTests",
            dependencies: [
                "RegistryPlatform", "RegistryWeb", "RegistryCore", "RegistryTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]),
        // ITL and national-registry simulators: their own logic, never the daemon's engine (DESIGN.md).
        .target(
            name: "Simulators",
            dependencies: [
                "RegistryCore", "DES", "RegistryNet", "RegistryWeb", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "SimulatorsTests",
            dependencies: ["Simulators", "DES", "RegistryCore", "RegistryNet", "RegistryTestSupport"]),
        .executableTarget(
            name: "itl-sim",
            dependencies: [
                "Simulators", "RegistryCore", "RegistryNet", .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "registry-sim",
            dependencies: [
                "Simulators", "RegistryCore", "RegistryNet", .product(name: "Logging", package: "swift-log"),
            ]),
        // Benchmarks: release-build executables (`swift run -c release ledger-bench`), see docs/PERFORMANCE.md.
        .target(name: "BenchmarkSupport", path: "Benchmarks/Support"),
        .executableTarget(
            name: "ledger-bench", dependencies: ["RegistryCore", "BenchmarkSupport"], path: "Benchmarks/LedgerBench"),
        .executableTarget(
            name: "store-bench", dependencies: ["RegistryCore", "RegistryStore", "DES", "BenchmarkSupport"],
            path: "Benchmarks/StoreBench"),
        .executableTarget(
            name: "des-bench", dependencies: ["DES", "RegistryCore", "CLibXML2", "BenchmarkSupport"],
            path: "Benchmarks/DESBench"),
        .executableTarget(
            name: "net-bench",
            dependencies: [
                "RegistryNet", "BenchmarkSupport", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ], path: "Benchmarks/NetBench"),
        .testTarget(name: "RegistryCoreTests", dependencies: ["RegistryCore"]),
        .testTarget(
            name: "RegistryEngineTests",
            dependencies: [
                "RegistryEngine", "RegistryCore", "RegistryStore", "DES", "RegistryDaemon",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]),
        .testTarget(name: "RegistryAdminTests", dependencies: ["RegistryAdmin"]),
        .testTarget(name: "RegistryDaemonTests", dependencies: ["RegistryDaemon", "RegistryAdmin", "RegistryCore"]),
        // The whole network as processes on loopback: itl-sim, registry-sims, cdm-registryd. The end-to-end suite,
        // the end-to-end benchmark and cdm-registryd's development sandbox start it.
        .target(
            name: "RegistrySandbox",
            dependencies: [
                "RegistryAdmin", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ], ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "RegistrySandbox", "RegistryAdmin", "RegistryTestSupport",
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]),
        // The public listeners under load: `swift build -c release && .build/release/web-bench` (docs/PERFORMANCE.md).
        .executableTarget(
            name: "web-bench",
            dependencies: [
                "RegistryPublic", "RegistryPlatform", "RegistryWeb", "RegistryStore", "RegistryCore", "BenchmarkSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ], path: "Benchmarks/WebBench"),
        // End to end in a release build: `swift build -c release && .build/release/e2e-bench` (docs/PERFORMANCE.md).
        .executableTarget(
            name: "e2e-bench",
            dependencies: [
                "RegistrySandbox", "RegistryDaemon", "RegistryEngine", "RegistryCore", "RegistryNet", "RegistryAdmin",
                "BenchmarkSupport", .product(name: "Logging", package: "swift-log"),
            ], path: "Benchmarks/E2EBench"),
        .testTarget(name: "DESTests", dependencies: ["DES", "RegistryCore"], resources: [.copy("Corpus")]),
        .testTarget(
            name: "RegistryStoreTests",
            dependencies: ["RegistryStore", "RegistryCore", .product(name: "GRDB", package: "GRDB.swift")]),
        // Child process of RegistryStoreTests' crash test: writes to a store until SIGKILLed.
        .executableTarget(
            name: "store-crash-writer", dependencies: ["RegistryStore", "RegistryCore"],
            path: "Tests/Support/StoreCrashWriter"),
        // Test helpers shared by test targets (development certificates from certs/make-dev-certs.sh).
        .target(
            name: "RegistryTestSupport",
            dependencies: [
                "RegistryNet", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ], path: "Tests/Support/RegistryTestSupport"),
        .testTarget(
            name: "RegistryNetTests",
            dependencies: [
                "RegistryNet", "RegistryTestSupport", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
