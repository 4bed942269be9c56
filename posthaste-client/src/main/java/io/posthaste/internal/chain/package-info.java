/**
 * A call and its steps: {@link io.posthaste.internal.chain.Call} runs a request through one list
 * of {@link io.posthaste.Interceptor}s (raise-for-status, the application's interceptors,
 * retries, Digest authentication, redirects, cookies, the network interceptors, the exchange),
 * assembled in one method. Each built-in step can be tested alone against a fake next step.
 *
 * <p>May use: the exchange's contract ({@code Exchanger}, {@code Deadline}, {@code BodyPolicy}),
 * the session's settings and the helpers. Never a connection, a protocol or Netty: the chain
 * reaches the network only through {@code Exchanger}.
 */
package io.posthaste.internal.chain;
