/**
 * The protocol-neutral exchange: {@link io.posthaste.internal.exchange.Exchange}, a state machine
 * ({@link io.posthaste.internal.exchange.ExchangePhase}) that acquires a connection from one
 * {@code ConnectionSource}, writes the request through the connection's
 * {@link io.posthaste.internal.exchange.Carrier}, and reads the answer as heads, body pieces and
 * an end, whatever protocol produced them. Its small parts: the request side of an attempt and
 * the retry rule, with the connection it holds ({@code Attempt}), the clocks
 * ({@code Watchdog}), where the body goes ({@code ResponseBody}, {@code ResponseBodyStream}),
 * {@code 100 Continue} ({@code ExpectContinue}) and the errors callers see ({@code Failures}).
 * Also the contract the chain calls: {@code Exchanger}, {@code Deadline}, {@code BodyPolicy}.
 *
 * <p>May use: connections, the session's settings, the helpers, and Netty's loops and buffers.
 * Never a protocol package, the chain or the wiring: a protocol plugs in by implementing
 * {@code ProtocolConnection} and {@code Carrier}.
 */
package io.posthaste.internal.exchange;
