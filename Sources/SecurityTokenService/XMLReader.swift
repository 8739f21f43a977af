#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RolesAnywhere

/// One element of an XML answer: its local name, its text, and its child elements.
///
/// The text of elements named in `secretElements` (see `XMLReader.parse`) is kept only as
/// `SecretBytes`, never as a `String`.
public struct XMLElement: Sendable {
    public let name: String
    public let text: String
    public let secret: SecretBytes?
    public let children: [XMLElement]

    /// The first child called `name`.
    public func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }

    /// The element at the end of `path`, each step a child's name.
    public func descendant(_ path: String...) -> XMLElement? {
        path.reduce(Optional(self)) { $0?.child($1) }
    }
}

/// What went wrong reading XML; never holds the document's text.
public struct XMLReadError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case tooLarge, markupDeclared, notWellFormed, severalRoots, readerFailed, libxml2Missing, libxml2Incomplete
    }

    public let code: Code
    public let description: String

    private init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    static func tooLarge(limit bytes: Int) -> XMLReadError { .init(.tooLarge, "the XML answer is larger than \(bytes / 1024) KiB") }
    static let markupDeclared = XMLReadError(.markupDeclared, "the answer declares a DTD or uses an entity, which STS answers never do")
    static let notWellFormed = XMLReadError(.notWellFormed, "the answer is not well-formed XML")
    static let severalRoots = XMLReadError(.severalRoots, "the answer has more than one root element")
    static let readerFailed = XMLReadError(.readerFailed, "libxml2 could not start reading the answer")
    static let libxml2Missing = XMLReadError(
        .libxml2Missing, "role chaining reads STS's XML answer with libxml2, which is not installed: install it (Debian and Ubuntu: `apt install libxml2`)")
    static let libxml2Incomplete = XMLReadError(.libxml2Incomplete, "the libxml2 found lacks its xmlreader functions: reinstall libxml2")
}

/// libxml2's streaming reader (`xmlreader.h`), loaded with `dlopen` on first use.
///
/// Foundation's XMLParser (under XMLCoder and SWXMLHash) links libxml2, and libxml2 links ICU:
/// linked into the client, both would load on every command's start-up (BENCHMARKS.md). Only role
/// chaining reads XML, so only it pays. The reader API takes and returns opaque pointers, ints and
/// C strings, so its prototypes are declared here with no header, and no struct layout is assumed.
///
/// Documents with a DTD or an entity reference are refused, the DTD before libxml2 reads a byte:
/// STS answers have neither, and without them there is no entity expansion or external fetch to
/// worry about (`XML_PARSE_NONET` as well). libxml2's own buffers, which held the answer's secret
/// values too, are freed with the reader but not wiped.
public enum XMLReader {
    public static let maximumBytes = 256 * 1024

    /// Parses `bytes` into its root element.
    public static func parse(_ bytes: [UInt8], secretElements: Set<String> = []) throws(XMLReadError) -> XMLElement {
        guard bytes.count <= maximumBytes else { throw .tooLarge(limit: maximumBytes) }
        // Before libxml2 sees them: it would parse a DTD's internal subset (declarations, parameter
        // entities) before the first node is reported.
        guard !declaresMarkup(bytes) else { throw .markupDeclared }
        let library = try LibXML2.shared.get()
        // libxml2 reads from the caller's buffer as it goes (it does not copy it), so the whole read
        // happens while the buffer is pinned.
        return try bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                read(library, library.readerForMemory($0, Int32(buffer.count), nil, "UTF-8", LibXML2.options), secretElements: secretElements)
            }
        }.get()
    }


    /// Whether `<!` opens anything but a comment or a CDATA section (a DOCTYPE, an ENTITY, …).
    static func declaresMarkup(_ bytes: [UInt8]) -> Bool {
        let comment = Array("--".utf8), cdata = Array("[CDATA[".utf8)
        var index = bytes.startIndex
        while let open = bytes[index...].firstIndex(of: UInt8(ascii: "<")) {
            let rest = bytes[(open + 1)...]
            if rest.first == UInt8(ascii: "!") && !rest.dropFirst().starts(with: comment) && !rest.dropFirst().starts(with: cdata) { return true }
            index = open + 1
        }
        return false
    }

    private static func read(_ library: LibXML2, _ reader: OpaquePointer?, secretElements: Set<String>) -> Result<XMLElement, XMLReadError> {
        guard let reader else { return .failure(.readerFailed) }
        defer { library.freeReader(reader) }

        // Open elements, innermost last; an element is finished at its end tag, or at once when empty.
        var open: [(name: String, text: [UInt8], children: [XMLElement])] = []
        var root: XMLElement?
        func finish() {
            var element = open.removeLast()
            defer { wipeBytes(&element.text) }
            let isSecret = secretElements.contains(element.name)
            let finished = XMLElement(name: element.name, text: isSecret ? "" : String(decoding: element.text, as: UTF8.self),
                                      secret: isSecret ? SecretBytes(element.text) : nil, children: element.children)
            if open.isEmpty { root = finished } else { open[open.count - 1].children.append(finished) }
        }
        while true {
            let status = library.read(reader)
            if status == 0 { break }
            guard status == 1 else { return .failure(.notWellFormed) }
            switch library.nodeType(reader) {
            case NodeType.element:
                guard root == nil else { return .failure(.severalRoots) }
                let name = library.localName(reader)
                var text: [UInt8] = []
                // Room for a session token from the start: a buffer that grows leaves copies behind.
                if secretElements.contains(name) { text.reserveCapacity(16 * 1024) }
                open.append((name, text, []))
                if library.isEmptyElement(reader) == 1 { finish() }
            case NodeType.endElement:
                guard !open.isEmpty else { return .failure(.notWellFormed) }
                finish()
            case NodeType.text, NodeType.cdata, NodeType.significantWhitespace:
                guard !open.isEmpty, let value = library.value(reader) else { continue }
                var length = 0
                while value[length] != 0 { length += 1 }
                open[open.count - 1].text += UnsafeBufferPointer(start: value, count: length)
            case NodeType.documentType, NodeType.entityReference, NodeType.entity:
                return .failure(.markupDeclared)
            default:
                continue  // comments, processing instructions, insignificant white space
            }
        }
        guard let root, open.isEmpty else { return .failure(.notWellFormed) }
        return .success(root)
    }

    /// `xmlReaderTypes`.
    enum NodeType {
        static let element: Int32 = 1, text: Int32 = 3, cdata: Int32 = 4, entityReference: Int32 = 5, entity: Int32 = 6
        static let documentType: Int32 = 10, significantWhitespace: Int32 = 14, endElement: Int32 = 15
    }
}

/// The few functions of libxml2 the reader uses, found with `dlsym`.
struct LibXML2: Sendable {
    typealias ReaderForMemory = @convention(c) (UnsafePointer<CChar>?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?, Int32) -> OpaquePointer?
    typealias ReaderCall = @convention(c) (OpaquePointer?) -> Int32
    typealias ReaderString = @convention(c) (OpaquePointer?) -> UnsafePointer<UInt8>?
    typealias FreeReader = @convention(c) (OpaquePointer?) -> Void

    let readerForMemory: ReaderForMemory
    let read: ReaderCall
    let nodeType: ReaderCall
    let isEmptyElement: ReaderCall
    let constLocalName: ReaderString
    let value: ReaderString
    let freeReader: FreeReader

    func localName(_ reader: OpaquePointer) -> String {
        constLocalName(reader).map { String(cString: $0) } ?? ""
    }

    /// `XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NONET | XML_PARSE_NO_XXE`: nothing on
    /// standard error, no network, no external entity (the last is 2.13's; earlier releases ignore
    /// the bit). Not `XML_PARSE_NOENT` or `XML_PARSE_DTDLOAD`: entities stay unexpanded (and refused).
    static let options: Int32 = 1 << 5 | 1 << 6 | 1 << 11 | 1 << 23

    /// Sonames across libxml2 releases (2.14 moved to .so.16), then macOS's.
    static let candidates = ["libxml2.so.2", "libxml2.so.16", "libxml2.2.dylib"]

    /// Loaded once for the process and never unloaded: it brings ICU, which does not unload cleanly.
    static let shared = Loaded()

    final class Loaded: Sendable {
        private let result: Result<LibXML2, XMLReadError>

        init() { result = LibXML2.load() }

        func get() throws(XMLReadError) -> LibXML2 { try result.get() }
    }

    private static func load() -> Result<LibXML2, XMLReadError> {
        guard let handle = candidates.lazy.compactMap({ dlopen($0, RTLD_NOW | RTLD_LOCAL) }).first else {
            return .failure(.libxml2Missing)
        }
        func symbol<T>(_ name: String, as type: T.Type) -> T? {
            dlsym(handle, name).map { unsafeBitCast($0, to: type) }
        }
        guard let readerForMemory = symbol("xmlReaderForMemory", as: ReaderForMemory.self),
              let read = symbol("xmlTextReaderRead", as: ReaderCall.self),
              let nodeType = symbol("xmlTextReaderNodeType", as: ReaderCall.self),
              let isEmptyElement = symbol("xmlTextReaderIsEmptyElement", as: ReaderCall.self),
              let constLocalName = symbol("xmlTextReaderConstLocalName", as: ReaderString.self),
              let value = symbol("xmlTextReaderConstValue", as: ReaderString.self),
              let freeReader = symbol("xmlFreeTextReader", as: FreeReader.self)
        else { return .failure(.libxml2Incomplete) }
        return .success(LibXML2(readerForMemory: readerForMemory, read: read, nodeType: nodeType, isEmptyElement: isEmptyElement,
                                constLocalName: constLocalName, value: value, freeReader: freeReader))
    }
}
