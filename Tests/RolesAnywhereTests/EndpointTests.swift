import RolesAnywhere
import Testing

@Suite struct EndpointTests {
    @Test func explicitBeatsEnvironmentBeatsRegion() throws {
        let environment = ["AWS_ENDPOINT_URL_ROLESANYWHERE": "https://env.example.com"]
        #expect(try Endpoint.resolve(explicit: "https://explicit.example.com", region: "eu-west-1", environment: environment).host == "explicit.example.com")
        #expect(try Endpoint.resolve(explicit: nil, region: "eu-west-1", environment: environment).host == "env.example.com")
        let standard = try Endpoint.resolve(explicit: nil, region: "eu-west-1", environment: [:])
        #expect(standard.url("/sessions") == "https://rolesanywhere.eu-west-1.amazonaws.com/sessions")
        #expect(standard.hostHeader == "rolesanywhere.eu-west-1.amazonaws.com")
    }

    @Test(arguments: ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9000", "http://127.9.8.7"])
    func plainHTTPOnlyForLoopback(url: String) throws {
        let endpoint = try Endpoint(parsing: url)
        #expect(endpoint.scheme == "http")
    }

    @Test(arguments: ["http://10.0.0.1", "http://example.com", "http://127.0.0.1.example.com", "http://192.168.1.1:80"])
    func plainHTTPElsewhereIsRefused(url: String) {
        #expect { try Endpoint(parsing: url) } throws: { ($0 as? RolesAnywhereError)?.code == .insecureEndpoint }
    }

    @Test(arguments: ["https://user:pass@example.com", "ftp://example.com", "not a url", "https://example.com:99999", "https://example.com/?x=1"])
    func malformedEndpointsAreRefusedWithoutEchoingPasswords(url: String) {
        #expect { try Endpoint(parsing: url) } throws: { error in
            let text = "\(error)"
            return (error as? RolesAnywhereError)?.code == .invalidEndpoint && !text.contains("pass@")
        }
    }

    /// Review finding: URLs that do not parse were echoed whole, password included.
    @Test(arguments: ["https://alice:s3cretpw@", "https://alice:s3cretpw@/x", "http://bob:s3cretpw@10.0.0.1", "ftp://u:s3cretpw@h",
                      "https://u:s3cretpw@example.com/?q=1", "https://u:s3cretpw@example.com:99999",
                      "https://ci-bot:Zx9/s3cretpw#Lm2@proxy.internal:8443", "https://alice:Pa#s3cretpw@127.0.0.1:1"])
    func passwordsAreNeverEchoed(url: String) {
        #expect { try Endpoint(parsing: url) } throws: { error in
            !"\(error)".contains("s3cretpw") && "\(error)".contains("***@")
        }
    }

    /// These parse as a host, a port and a path; the `@` alone says a password was typed.
    @Test(arguments: ["https://ci-bot:443/s3cretpw@proxy.internal", "https://proxy.internal/s3cretpw@x"])
    func anAtAnywhereIsRefused(url: String) {
        #expect { try Endpoint(parsing: url) } throws: { error in
            (error as? RolesAnywhereError)?.code == .invalidEndpoint && !"\(error)".contains("s3cretpw")
        }
    }

    @Test func portIsKeptInHostHeader() throws {
        let endpoint = try Endpoint(parsing: "http://127.0.0.1:4567/base/")
        #expect(endpoint.hostHeader == "127.0.0.1:4567")
        #expect(endpoint.url("/sessions") == "http://127.0.0.1:4567/base/sessions")
    }

    @Test func regionOrder() throws {
        #expect(try RegionResolver.resolve(explicit: "eu-west-1", environment: ["AWS_REGION": "us-east-1"]) == "eu-west-1")
        #expect(try RegionResolver.resolve(explicit: nil, environment: ["AWS_REGION": "us-east-2", "AWS_DEFAULT_REGION": "us-west-1"]) == "us-east-2")
        #expect(try RegionResolver.resolve(explicit: nil, environment: ["AWS_DEFAULT_REGION": "us-west-1"]) == "us-west-1")
        #expect { try RegionResolver.resolve(explicit: nil, environment: [:]) } throws: {
            ($0 as? RolesAnywhereError)?.code == .missingRegion && "\($0)".contains("--region")
        }
        #expect(throws: RolesAnywhereError.self) { try RegionResolver.resolve(explicit: "us east; rm", environment: [:]) }
    }

    @Test(arguments: ["https://alice:hunter2@rolesanywhere.example/x", "https://alice:hunter2@",
                      "https://alice:hunter2@\u{301}host/", "https://\u{301}alice:hunter2@host", "http://a@b:hunter2@host?q",
                      // An outside test: passwords with an unencoded `/`, `?` or `#` were shown whole.
                      "https://ci-bot:Zx9/Qp#Lm2hunter2@proxy.internal:8443", "https://alice:Pa#55hunter2@127.0.0.1:1",
                      "https://bob:a?hunter2@host/x", "https://carol:x/hunter2@",
                      // A review finding: without `://` nothing was masked.
                      "alice:hunter2@host", "https:/alice:hunter2@host"])
    func shownURLsHideTheirCredentials(url: String) {
        let shown = Endpoint.shown(url)
        #expect(!shown.contains("hunter2"), "\(shown)")
        #expect(shown.contains("***"))
    }
}
