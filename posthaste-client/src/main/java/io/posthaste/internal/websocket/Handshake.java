package io.posthaste.internal.websocket;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker13;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.URI;
import java.util.Locale;
import java.util.Map;

/**
 * Netty's RFC 6455 client handshake (the key, the {@code Sec-WebSocket-Accept} check, the
 * subprotocol check, the frame codec it installs) with the request head Posthaste sends: the
 * target and {@code Host} of the URL as parsed, no {@code Origin} (a browser's header, which a
 * server may check against its own pages), then the caller's and the session's headers. The
 * subprotocols are offered here and checked by {@link #chosenSubprotocol}: a server may choose none
 * of them (RFC 6455 section 4.1), which Netty's own check refuses. Its frame decoder takes frames up
 * to the message size limit, allows RSV bits only when the answer took up {@code permessage-deflate}
 * ({@link #deflate()}), and reports every protocol violation rather than closing at once: the
 * {@link FrameHandler} fails the connection.
 */
final class Handshake extends WebSocketClientHandshaker13 {

    private final String target;
    private final String hostHeader;
    private final Iterable<Map.Entry<String, String>> headers;
    private final boolean compression;
    private final String subprotocols;
    /** Set by {@link #verify}, before the decoder is made, from the server's answer. */
    private boolean deflate;

    /**
     * Creates the handshake of a WebSocket at {@code uri} ({@code ws} or {@code wss}) offering
     * {@code subprotocols} (comma-separated, or null), sending {@code headers} after its own.
     */
    Handshake(
            URI uri,
            String target,
            String hostHeader,
            String subprotocols,
            Iterable<Map.Entry<String, String>> headers,
            WsSettings settings) {
        super(
                uri,
                WebSocketVersion.V13,
                null,
                settings.compression(),
                EmptyHttpHeaders.INSTANCE,
                settings.maxMessageSize(),
                true,
                false,
                -1);
        this.target = target;
        this.hostHeader = hostHeader;
        this.headers = headers;
        this.compression = settings.compression();
        this.subprotocols = subprotocols;
    }

    /**
     * Returns the subprotocol the server chose in {@code answer} (a {@code Sec-WebSocket-Protocol}
     * value, or null), "" for none.
     *
     * @throws IllegalArgumentException if it is not one of those offered
     */
    String chosenSubprotocol(String answer) {
        if (answer == null || answer.isBlank()) {
            return "";
        }
        String chosen = answer.trim();
        if (subprotocols != null) {
            for (String offered : subprotocols.split(",")) {
                if (offered.trim().equals(chosen)) {
                    return chosen;
                }
            }
        }
        throw new IllegalArgumentException("the server chose subprotocol '" + chosen + "', which was not offered"
                + (subprotocols == null ? "" : " (offered: " + subprotocols + ")"));
    }

    @Override
    protected FullHttpRequest newHandshakeRequest() {
        FullHttpRequest request = super.newHandshakeRequest();
        request.setUri(target);
        HttpHeaders netty = request.headers();
        HttpHeaders ordered = new DefaultHttpHeaders();
        ordered.add(HttpHeaderNames.HOST, hostHeader);
        if (subprotocols != null) {
            ordered.add(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, subprotocols);
        }
        netty.forEach(field -> {
            String name = field.getKey();
            if (!HttpHeaderNames.HOST.contentEqualsIgnoreCase(name)
                    && !HttpHeaderNames.ORIGIN.contentEqualsIgnoreCase(name)
                    && !HttpHeaderNames.SEC_WEBSOCKET_ORIGIN.contentEqualsIgnoreCase(name)) {
                ordered.add(name, field.getValue());
            }
        });
        for (Map.Entry<String, String> field : headers) {
            if (HttpHeaderNames.HOST.contentEqualsIgnoreCase(field.getKey())) {
                ordered.set(HttpHeaderNames.HOST, field.getValue());
            } else {
                ordered.add(field.getKey(), field.getValue());
            }
        }
        netty.set(ordered);
        return request;
    }

    /**
     * Checks the server's 101 {@code answer} as Netty does, and notes whether it took up the
     * {@code permessage-deflate} offered. Netty's {@code finishHandshake} calls it before it makes
     * the decoder, which then allows RSV bits if, and only if, it did: without an extension that
     * defines them they are a protocol error (RFC 6455 section 5.2).
     */
    @Override
    protected void verify(FullHttpResponse answer) {
        super.verify(answer);
        String extensions = answer.headers().get(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, "");
        deflate = compression && extensions.toLowerCase(Locale.ROOT).contains("permessage-deflate");
    }

    /** Returns whether the server took up {@code permessage-deflate}; known once the handshake is finished. */
    boolean deflate() {
        return deflate;
    }

    @Override
    protected WebSocketFrameDecoder newWebsocketDecoder() {
        return new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(false)
                .allowMaskMismatch(false)
                .allowExtensions(deflate)
                .maxFramePayloadLength(maxFramePayloadLength())
                .closeOnProtocolViolation(false)
                .build());
    }
}
