// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Allot",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "allot", targets: ["allot"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // ncursesw, as a system library with a shim for its macros.
        .systemLibrary(name: "CNcurses", path: "Sources/CNcurses", pkgConfig: "ncursesw",
                       providers: [.apt(["libncurses-dev"])]),
        // The pure core: model, policy, engine, workflow, insight. No I/O.
        .target(name: "AllotCore", dependencies: [
            .product(name: "TOMLKit", package: "TOMLKit"),
        ], swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),
        // The only module that touches SQLite: the mirror, import, audit, outbox.
        .target(name: "AllotStore", dependencies: [
            "AllotCore",
            .product(name: "GRDB", package: "GRDB.swift"),
            // SQLite's C API, for the event importer's statements prepared once per file and bound directly.
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
            .product(name: "CSV", package: "CSV.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The workbench: state, reduce, view into a cell grid; ncurses is a thin backend.
        .target(name: "AllotTUI", dependencies: [
            "AllotCore", "AllotStore", "CNcurses",
            .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        // Thin wiring: argument parsing, opening the store, starting the TUI.
        .executableTarget(name: "allot", dependencies: [
            "AllotCore", "AllotStore", "AllotTUI",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Running the real binary from tests: bounded waits, output through files.
        .target(name: "AllotTestSupport", path: "Tests/AllotTestSupport"),
        .testTarget(name: "AllotCoreTests", dependencies: ["AllotCore"]),
        .testTarget(name: "AllotStoreTests", dependencies: ["AllotStore", "AllotCore", "AllotTestSupport"],
                    resources: []),
        .testTarget(name: "AllotTUITests", dependencies: ["AllotTUI", "AllotCore", "AllotStore", "AllotTestSupport",
                                                     .product(name: "GRDB", package: "GRDB.swift")],
                    // Golden screens are read from the source folder by path, not bundled.
                    exclude: ["Golden"]),
    ]
)
