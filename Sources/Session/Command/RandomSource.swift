/// Where random numbers come from: the system's generator, or a seeded one in tests.
public struct RandomSource: Sendable {
    private let next: @Sendable () -> UInt64

    public init(next: @escaping @Sendable () -> UInt64) {
        self.next = next
    }

    public static let system = RandomSource {
        var generator = SystemRandomNumberGenerator()
        return generator.next()
    }

    /// A generator drawing from this source, for APIs that take `inout some RandomNumberGenerator`.
    public var generator: Generator { Generator(draw: next) }

    public struct Generator: RandomNumberGenerator {
        fileprivate let draw: @Sendable () -> UInt64
        public mutating func next() -> UInt64 { draw() }
    }
}
