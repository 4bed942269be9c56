package io.posthaste.internal.session;

import io.posthaste.ProgressListener;

/**
 * The progress listeners of one request; either may be {@code null}.
 *
 * @param upload hears about the request body
 * @param download hears about the response body
 */
public record ProgressListeners(ProgressListener upload, ProgressListener download) {}
