import NIOCore

/// A connection a server has accepted, on its way from the event loop to the task that serves it
/// with `executeThenClose`. What a child channel initializer returns instead of the bare
/// `NIOAsyncChannel`.
///
/// NIO drops accepted connections when a server stops: those still buffered for the accept loop
/// when its task is cancelled, and those still being set up when the listening socket closes
/// (swift-nio issues 2813 and 3481). A `NIOAsyncChannel` made with `wrappingChannelSynchronously`
/// stops the whole process if it is released before its writer is finished ("Deinited
/// NIOAsyncWriter without calling finish()"). Released unserved, this finishes the writer and
/// closes the socket instead; after `executeThenClose` both are no-ops.
public final class AcceptedConnection<Inbound: Sendable, Outbound: Sendable>: Sendable {
    public let asyncChannel: NIOAsyncChannel<Inbound, Outbound>

    public init(_ asyncChannel: NIOAsyncChannel<Inbound, Outbound>) {
        self.asyncChannel = asyncChannel
    }

    public var channel: any Channel { asyncChannel.channel }

    deinit {
        (asyncChannel as any UnservedWriterFinishing).finishUnservedWriter()
        asyncChannel.channel.close(promise: nil)
    }
}

/// NIO deprecates `outbound` for serving code, which `executeThenClose` does; finishing the writer of
/// a connection nothing will serve is the one use left, and goes through this requirement.
private protocol UnservedWriterFinishing {
    func finishUnservedWriter()
}

extension NIOAsyncChannel: UnservedWriterFinishing {
    @available(*, deprecated, message: "only for a connection nothing serves (AcceptedConnection)")
    fileprivate func finishUnservedWriter() { outbound.finish() }
}
