// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "pim",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "pim", targets: ["pim"]),
        .executable(name: "pim-bench", targets: ["pim-bench"]),
        .library(name: "PIMCore", targets: ["PIMCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.3.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        // MARK: - Pure domain
        .target(name: "PIMFramework", swiftSettings: swiftSettings),
        // SIMD byte classification for the CSV tokenizer (a header-only C shim: Swift's SIMD types do not
        // compile to movemask instructions).
        .target(name: "CPIMSIMD"),
        .target(
            name: "PIMTable",
            dependencies: ["CPIMSIMD", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PIMDisclosure",
            dependencies: ["PIMTable"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PIMCore",
            dependencies: [
                "PIMFramework", "PIMTable", "PIMDisclosure",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PIMCategories",
            dependencies: [
                "PIMFramework", "PIMTable", "PIMDisclosure", "PIMCore",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: swiftSettings
        ),
        // MARK: - Storage
        .target(name: "PIMStorage", dependencies: ["PIMCore", "PIMTable", "PIMCategories"], swiftSettings: swiftSettings),
        .target(
            name: "PIMSQLite",
            dependencies: [
                "PIMStorage", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PIMPostgres",
            dependencies: [
                "PIMStorage",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // MARK: - Doors
        .target(
            name: "PIMServer",
            dependencies: [
                "PIMFramework", "PIMTable", "PIMDisclosure", "PIMCore", "PIMCategories", "PIMStorage",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PIMCommandLine",
            dependencies: [
                "PIMFramework", "PIMTable", "PIMDisclosure", "PIMCore", "PIMCategories", "PIMStorage", "PIMSQLite",
                "PIMPostgres", "PIMServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "pim", dependencies: ["PIMCommandLine"], swiftSettings: swiftSettings),
        // Benchmark driver (bench/run.sh): the peers' tasks timed in-process; not part of the pim tool.
        .executableTarget(name: "pim-bench", dependencies: ["PIMTable", "PIMDisclosure"], swiftSettings: swiftSettings),
        // MARK: - Testing
        .target(
            name: "PIMTesting",
            dependencies: ["PIMCore", "PIMStorage"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PIMFrameworkTests",
            dependencies: ["PIMFramework"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PIMTableTests",
            dependencies: ["PIMTable", .product(name: "PropertyBased", package: "swift-property-based")],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PIMDisclosureTests",
            dependencies: ["PIMDisclosure", "PIMTable", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PIMCoreTests",
            dependencies: ["PIMCore", "PIMTable", "PIMDisclosure", "PIMFramework",
                .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PIMCategoriesTests",
            dependencies: [
                "PIMCategories", "PIMCore", "PIMTable", "PIMDisclosure", "PIMFramework",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PIMStorageTests",
            dependencies: [
                "PIMTesting", "PIMSQLite", "PIMPostgres", "PIMStorage", "PIMCore", "PIMTable",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PIMServerTests",
            dependencies: [
                "PIMServer", "PIMTesting", "PIMSQLite", "PIMStorage", "PIMCore", "PIMTable", "PIMFramework",
                "PIMCategories", "PIMDisclosure",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PIMCommandLineTests",
            dependencies: ["PIMCommandLine", "PIMCore", "PIMStorage", "PIMSQLite", "PIMTable", "PIMServer", "PIMFramework", "PIMCategories",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
