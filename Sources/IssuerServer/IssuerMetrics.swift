import Prometheus

/// `GET /metrics`: issuances by kind, refusals by reason, successful logins, request latency.
public struct IssuerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()

    public init() {}

    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5),
    ]

    func issued(kind: String) {
        registry.makeCounter(descriptor: .init(namespace: "rolecall_issuer", metricName: "certificates_issued", unitName: "total",
                                               helpText: "Certificates issued, by kind"), labels: [("kind", kind)]).increment()
    }

    func refused(reason: String) {
        registry.makeCounter(descriptor: .init(namespace: "rolecall_issuer", metricName: "refusals", unitName: "total",
                                               helpText: "Refused logins and certificate requests, by reason"), labels: [("reason", reason)]).increment()
    }

    func loggedIn() {
        registry.makeCounter(descriptor: .init(namespace: "rolecall_issuer", metricName: "logins", unitName: "total",
                                               helpText: "Successful logins")).increment()
    }

    func observe(route: String, duration: Duration) {
        registry.makeDurationHistogram(descriptor: .init(namespace: "rolecall_issuer", metricName: "request_duration", unitName: "seconds",
                                                         helpText: "Time to answer API requests, by route"),
                                       labels: [("route", route)], buckets: Self.latencyBuckets).record(duration)
    }

    public func text() -> String { registry.emitToString() }
}
