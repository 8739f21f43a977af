// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "rolecall",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "rolecall", targets: ["rolecall"]),
        .executable(name: "rolecall-issuer", targets: ["rolecall-issuer"]),
        .executable(name: "rolesanywhere-emulator", targets: ["rolesanywhere-emulator"]),
        .library(name: "RolesAnywhere", targets: ["RolesAnywhere"]),
        .library(name: "IssuerProtocol", targets: ["IssuerProtocol"]),
        .library(name: "IssuanceCore", targets: ["IssuanceCore"]),
        .library(name: "Issuance", targets: ["Issuance"]),
        .library(name: "Session", targets: ["Session"]),
        .library(name: "RolesAnywhereEmulator", targets: ["RolesAnywhereEmulator"]),
        .library(name: "IssuerServer", targets: ["IssuerServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-extras/swift-extras-base64", from: "1.2.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // FilePath for swift-subprocess's API (TestSupport); Apple platforms have it as System.
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: [
        .target(
            name: "RolesAnywhere",
            dependencies: [
                "CHardening",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // STS AssumeRole for role chaining; its XML is read by libxml2, dlopen'd on that path only.
        .target(name: "SecurityTokenService", dependencies: ["RolesAnywhere"]),
        // PKCS#11's standard header (no Swift library exists); modules are dlopen'd, nothing is linked.
        .systemLibrary(name: "CPKCS11", providers: [.apt(["libp11-kit-dev"])]),
        // Keys that never leave hardware: PKCS#11 modules and RFC 7512 URIs, keys behind SigningKey.
        .target(
            name: "TokenKeys",
            dependencies: [
                "CPKCS11",
                "ChildProcess",
                "RolesAnywhere",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // The client's HTTPS: RolesAnywhere's transport seam over SwiftNIO's HTTP/1.1 codec and NIOSSL
        // (NIOExtras for a proxy's CONNECT). Only the client (and the load test) link it; the team
        // issuer and the emulator serve, they do not call out.
        .target(
            name: "HTTPSTransport",
            dependencies: [
                "RolesAnywhere",
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // The team issuer's wire vocabulary, shared by the service and its client; no logic of either.
        .target(
            name: "IssuerProtocol",
            dependencies: [
                "RolesAnywhere",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // What the client and the team issuer both run: the CA, certificate kinds, TOTP and its lockout.
        .target(
            name: "IssuanceCore",
            dependencies: [
                "RolesAnywhere",
                "IssuerProtocol",
                .product(name: "ExtrasBase64", package: "swift-extras-base64"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // The client's issuers: the local one (state files, replay guard) and the team issuer's client.
        .target(
            name: "Issuance",
            dependencies: [
                "RolesAnywhere",
                "HTTPSTransport",
                "IssuanceCore",
                "IssuerProtocol",
                "CHardening",
                "TokenKeys",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // The team issuer's storage: one protocol, SQLite and PostgreSQL behind it.
        .target(
            name: "IssuerStorage",
            dependencies: [
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "IssuerServer",
            dependencies: [
                "IssuanceCore", "IssuerProtocol", "RolesAnywhere", "IssuerStorage", "ServerConnections", "HummingbirdServing", "QRCode", "TokenKeys",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ExtrasBase64", package: "swift-extras-base64"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        // libqrencode (no Swift QR package exists): QR codes as SVG for the console, as text for `init`.
        .systemLibrary(name: "CQRencode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        .target(name: "QRCode", dependencies: ["CQRencode"]),
        // What both servers' connections share: closed when a request does not arrive whole in time, or
        // when NIO drops them unserved as a server stops (AcceptedConnection).
        .target(name: "ServerConnections", dependencies: [.product(name: "NIOCore", package: "swift-nio")]),
        // The Hummingbird servers' (issuer, emulator) connections as ServerConnections' AcceptedConnection.
        .target(
            name: "HummingbirdServing",
            dependencies: [
                "ServerConnections",
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "CHardening"),
        // What keeps the shipped programs on glibc 2.34 (Ubuntu 22.04, RHEL 9): the static Swift runtime's
        // calls to hypot and hypotf go, through the linker's --wrap, to functions every glibc has (GlibcBaseline.c).
        .target(
            name: "CGlibcBaseline",
            linkerSettings: [.unsafeFlags(["-Xlinker", "--wrap=hypot", "-Xlinker", "--wrap=hypotf"], .when(platforms: [.linux]))]
        ),
        // Starting helper programs: argv and envp in wiped C strings, a run with its output captured.
        .target(name: "ChildProcess", dependencies: ["CHardening"]),
        // The kernel's answer to "whose socket is this?" (netlink sock_diag), for the credential endpoints.
        .target(name: "CSocketDiag"),
        // What every executable's command layer shares: printing, errors, exit codes, --version (the
        // commit comes from the BuildCommit plugin, run before every build).
        .target(
            name: "CommandLineSupport",
            dependencies: [
                "ChildProcess",
                "QRCode",
                "RolesAnywhere",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            plugins: ["BuildCommit"]
        ),
        .plugin(name: "BuildCommit", capability: .buildTool()),
        .target(
            name: "Session",
            dependencies: [
                "RolesAnywhere",
                "SecurityTokenService",
                "HTTPSTransport",
                "IssuanceCore",
                "IssuerProtocol",
                "Issuance",
                "CHardening",
                "ChildProcess",
                "ServerConnections",
                "TokenKeys",
                "CSocketDiag",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "RolesAnywhereEmulator",
            dependencies: [
                "RolesAnywhere", "HummingbirdServing",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "rolecall",
            dependencies: [
                "RolesAnywhere",
                "HTTPSTransport",
                "IssuanceCore",
                "IssuerProtocol",
                "Issuance",
                "Session",
                "CommandLineSupport",
                "TokenKeys",
                "ChildProcess",
                "CGlibcBaseline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "X509", package: "swift-certificates"),
            ]
        ),
        .executableTarget(
            name: "rolecall-issuer",
            dependencies: [
                "IssuerServer",
                "TokenKeys",
                "IssuerStorage",
                "IssuanceCore",
                "IssuerProtocol",
                "RolesAnywhere",
                "CommandLineSupport",
                "CGlibcBaseline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Fuzz targets; a plain build replays inputs, scripts/fuzz builds it with libFuzzer.
        .target(name: "CFuzzDriver"),
        .executableTarget(
            name: "rolecall-fuzz",
            dependencies: [
                "RolesAnywhere", "RolesAnywhereEmulator", "IssuanceCore", "IssuerProtocol", "Issuance", "Session", "CFuzzDriver",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // In-process figures for scripts/bench (signing, issuance).
        .executableTarget(
            name: "rolecall-bench",
            dependencies: [
                "RolesAnywhere", "IssuanceCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // A loopback load test of the team issuer for scripts/bench-issuer (SQLite, PostgreSQL); its
        // clients keep connections open through async-http-client's pool, which the client does not link.
        .executableTarget(
            name: "rolecall-issuer-load",
            dependencies: [
                "IssuerServer", "IssuerStorage", "IssuanceCore", "IssuerProtocol", "Issuance", "RolesAnywhere", "HTTPSTransport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "rolesanywhere-emulator",
            dependencies: [
                "RolesAnywhereEmulator",
                "CGlibcBaseline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "RolesAnywhereTests",
            dependencies: [
                "RolesAnywhere", "SecurityTokenService", "HTTPSTransport", "RolesAnywhereEmulator", "TestSupport",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "IssuanceTests",
            dependencies: [
                "Issuance", "IssuanceCore", "IssuerProtocol", "RolesAnywhere", "TestSupport",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "SessionTests",
            dependencies: [
                "Session", "Issuance", "IssuanceCore", "IssuerProtocol", "HTTPSTransport", "TestSupport",
                "RolesAnywhere", "SecurityTokenService", "CSocketDiag",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(
            name: "CommandTests",
            dependencies: [
                "rolecall", "rolecall-issuer", "rolesanywhere-emulator", "TestSupport", "Issuance", "IssuanceCore", "IssuerProtocol", "IssuerStorage", "Session", "RolesAnywhere", "RolesAnywhereEmulator", "SecurityTokenService",
                "CommandLineSupport", "HTTPSTransport", "CGlibcBaseline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(name: "QRCodeTests", dependencies: ["QRCode", "TestSupport"]),
        .testTarget(
            name: "TokenKeysTests",
            dependencies: [
                "TokenKeys", "RolesAnywhere", "IssuanceCore", "TestSupport",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "IssuerStorageTests",
            dependencies: ["IssuerStorage", "TestSupport"]
        ),
        .testTarget(
            name: "IssuerServerTests",
            dependencies: [
                "IssuerServer", "IssuerStorage", "IssuanceCore", "IssuerProtocol", "Issuance", "Session", "RolesAnywhere", "TestSupport",
                "HTTPSTransport", "RolesAnywhereEmulator", "rolecall-issuer-load",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The test process's environment, set before main (SOFTHSM2_CONF): a test must not setenv.
        .target(name: "CTestEnvironment", path: "Tests/CTestEnvironment"),
        .target(
            name: "TestSupport",
            dependencies: [
                "CTestEnvironment",
                "RolesAnywhere",
                "RolesAnywhereEmulator",
                "IssuerStorage",
                "Session",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system", condition: .when(platforms: [.linux])),
            ],
            path: "Tests/TestSupport"
        ),
    ],
    swiftLanguageModes: [.v6]
)
