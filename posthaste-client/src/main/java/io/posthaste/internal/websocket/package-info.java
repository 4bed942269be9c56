/**
 * WebSocket (RFC 6455) over a dedicated HTTP/1.1 connection, on Netty's
 * {@code io.netty.handler.codec.http.websocketx}: {@link io.posthaste.internal.websocket.WsConnector}
 * opens the connection through the session's transport (TLS with ALPN {@code http/1.1} alone) and
 * runs the opening handshake ({@code Handshake}, with {@code permessage-deflate} offered);
 * {@link io.posthaste.internal.websocket.WsConnection} is the open WebSocket: its
 * {@code FrameHandler} reassembles messages under a size limit, answers pings, runs the close
 * handshake and its timeout on the event loop, and its {@code Inbox} hands messages to blocking
 * and asynchronous receivers, pausing reads while it holds too much. A WebSocket connection is
 * never pooled. May use the connection layer (to open the connection), the exchange's failure
 * translation, the session's settings, the helpers and Netty; never the chain, a protocol package
 * or the wiring.
 */
package io.posthaste.internal.websocket;
