/**
 * What {@link io.posthaste.HttpCache} is made of: the RFC 9111 / RFC 5861 rules
 * ({@code CachePolicy}, {@code Freshness}, {@code CacheControl}) and the crash-safe, LRU-bounded
 * disk store with its file format. Knows nothing of calls, sessions or the network; Netty-free;
 * not exported by the module.
 */
package io.posthaste.internal.cache;
