/**
 * Response content decoding ({@code gzip}, {@code deflate}, {@code br}, {@code zstd}) behind
 * {@link io.posthaste.internal.decode.BodyDecoder}: incremental, every output bounded before it is
 * filled, strict about what follows a stream. A helper package: no Netty, nothing of calls or
 * connections.
 */
package io.posthaste.internal.decode;
