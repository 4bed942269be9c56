package io.posthaste.testing.internal;

import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The TCP side's view of the routes when the server also speaks HTTP/3: every answer that has no
 * {@code Alt-Svc} of its own gets the given one, as a real server advertises HTTP/3 from its h1 and
 * h2 answers (RFC 7838). Raw answers are left exactly as scripted. Thread-safe when the routes are.
 */
public final class AltSvcAdvertiser implements RequestHandler {

    private final RequestHandler routes;
    private final Supplier<String> altSvc;

    /** @param altSvc gives the field value, e.g. {@code h3=":8443"; ma=86400}, when an answer is sent */
    public AltSvcAdvertiser(RequestHandler routes, Supplier<String> altSvc) {
        this.routes = routes;
        this.altSvc = altSvc;
    }

    @Override
    public boolean disconnectOnAccept() {
        return routes.disconnectOnAccept();
    }

    @Override
    public HeadAction onHead(RequestHead head, boolean reused) {
        HeadAction action = routes.onHead(head, reused);
        return action.kind() == HeadAction.Kind.EARLY ? HeadAction.early(advertise(action.response())) : action;
    }

    @Override
    public void record(ReceivedRequest request) {
        routes.record(request);
    }

    @Override
    public void recordReset(int connectionId, int streamId, long errorCode) {
        routes.recordReset(connectionId, streamId, errorCode);
    }

    @Override
    public void respond(ReceivedRequest request, Consumer<ResponseSpec> reply) {
        routes.respond(request, spec -> reply.accept(advertise(spec)));
    }

    private ResponseSpec advertise(ResponseSpec s) {
        if (s.raw() != null || s.header("Alt-Svc") != null) {
            return s;
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>(s.headers().size() + 1);
        headers.addAll(s.headers());
        headers.add(new SimpleImmutableEntry<>("Alt-Svc", altSvc.get()));
        return new ResponseSpec(
                s.status(),
                s.reason(),
                List.copyOf(headers),
                s.body(),
                s.chunkSizes(),
                s.throttleBytes(),
                s.throttlePeriodNanos(),
                s.headersDelayNanos(),
                s.bodyDelayNanos(),
                s.closeConnection(),
                s.trailers(),
                s.coding(),
                s.interimContinues(),
                s.fault(),
                s.disconnectAfterBodyBytes(),
                s.raw(),
                s.rawRepeat(),
                s.resetStream(),
                s.http2Fault(),
                s.chunkPauseNanos(),
                s.http3Reset(),
                s.http3Fault());
    }
}
