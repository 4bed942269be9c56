package io.posthaste.testing.internal;

import java.util.function.Consumer;

/**
 * The routing side of the server as seen by a connection. Methods are called on the connection's
 * event loop and must not block.
 */
public interface RequestHandler {

    /** Called when a connection is accepted; true closes it at once (a scripted disconnect). */
    boolean disconnectOnAccept();

    /**
     * Called with each request head, before its body is read.
     *
     * @param reused whether an earlier request already used this connection
     */
    HeadAction onHead(RequestHead head, boolean reused);

    /** Records a request so that tests can take it. */
    void record(ReceivedRequest request);

    /** Records an RST_STREAM the client sent on an HTTP/2 connection. */
    default void recordReset(int connectionId, int streamId, long errorCode) {}

    /** Produces the answer to a recorded request; {@code reply} may be called later, from any thread. */
    void respond(ReceivedRequest request, Consumer<ResponseSpec> reply);

    /**
     * What to do with a request once its head is read.
     *
     * @param kind the decision
     * @param response the early answer for {@link Kind#EARLY}, else null
     * @param upgrade the WebSocket that takes the connection over for {@link Kind#UPGRADE}, else null
     */
    record HeadAction(Kind kind, ResponseSpec response, WsUpgrade upgrade) {
        public static final HeadAction READ_BODY = new HeadAction(Kind.READ_BODY, null, null);
        public static final HeadAction SINK = new HeadAction(Kind.SINK, null, null);

        /** Returns the decision to answer early with {@code response}. */
        public static HeadAction early(ResponseSpec response) {
            return new HeadAction(Kind.EARLY, response, null);
        }

        /** Returns the decision to hand an HTTP/1.1 connection to {@code upgrade}. */
        public static HeadAction upgrade(WsUpgrade upgrade) {
            return new HeadAction(Kind.UPGRADE, null, upgrade);
        }

        /** The decision taken at the head; {@code UPGRADE} only ever for HTTP/1.1. */
        public enum Kind {
            READ_BODY,
            SINK,
            EARLY,
            UPGRADE
        }
    }
}
