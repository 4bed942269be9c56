/**
 * The wiring: {@link io.posthaste.internal.transport.NettyExchanger} puts the transport, the
 * connection sources, the protocols and the exchange together behind the {@code Exchanger} the
 * chain calls, and hands completions to the session's callback executor in batches
 * ({@code CallbackBatcher}). Only the public API's {@code ClientSession} depends on it.
 */
package io.posthaste.internal.transport;
