/**
 * Request bodies behind {@link io.posthaste.Body}'s factories (bytes, files, JSON, streams,
 * compressed), their encodings (forms are in {@code url}, multipart here), media types, and
 * {@link io.posthaste.internal.body.BodyKind}: the one place that knows the concrete body classes,
 * so that a transport asks what a body is rather than testing its class. A helper package: no
 * Netty, nothing of calls or connections.
 */
package io.posthaste.internal.body;
