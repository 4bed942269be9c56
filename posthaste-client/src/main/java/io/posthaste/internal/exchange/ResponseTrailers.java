package io.posthaste.internal.exchange;

/**
 * The trailer fields that end a response's body (an HTTP/2 trailing HEADERS block, or HTTP/1.1
 * chunked trailers), delivered to {@link Exchange#onMessage} just before {@link BodyEnd}.
 *
 * @param fields names and values, alternating, as the protocol checked them
 */
public record ResponseTrailers(String[] fields) {}
