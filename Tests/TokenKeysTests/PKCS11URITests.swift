import Testing
@testable import TokenKeys

@Suite struct PKCS11URITests {
    @Test func pathAndQueryAttributesAreDecoded() throws {
        let uri = try PKCS11URI(parsing: "pkcs11:token=My%20Token;object=rolecall-ca;id=%01%ab?module-path=/usr/lib/softhsm/libsofthsm2.so")
        #expect(uri.token == "My Token")
        #expect(uri.object == "rolecall-ca")
        #expect(uri.id == [0x01, 0xab])
        #expect(uri.modulePath == "/usr/lib/softhsm/libsofthsm2.so")
    }

    @Test(arguments: ["pkcs11:token=a?pin-value=1234", "pkcs11:token=a?pin-source=file:/tmp/pin"])
    func aPINInTheURIIsRefused(_ text: String) throws {
        let error = try #require(throws: TokenError.self) { try PKCS11URI(parsing: text) }
        guard case .invalidURI = error else { Issue.record("expected invalidURI, got \(error)"); return }
        #expect(error.description.contains("--pin-command"))
        #expect(!error.description.contains("1234"))
    }

    @Test(arguments: ["token=a", "pkcs11:token", "pkcs11:colour=red", "pkcs11:id=%g1", "pkcs11:token=a;token=b", "pkcs11:type=key", "pkcs11:?module-sauce=x"])
    func malformedURIsAreRefused(_ text: String) {
        #expect(throws: TokenError.self) { try PKCS11URI(parsing: text) }
    }

    @Test func vendorAttributesAndEmptyComponentsAreAccepted() throws {
        let uri = try PKCS11URI(parsing: "pkcs11:x-vendor=1;;object=k?x-flag=on")
        #expect(uri.object == "k")
        #expect(uri.token == nil)
    }
}
