/**
 * Posthaste: an asynchronous HTTP client in the spirit of aiohttp's {@code ClientSession}.
 * Everything a user needs is in this package; {@code io.posthaste.internal} and below are
 * implementation details and not exported.
 *
 * <p>Where the API takes or returns {@code null} it says so with JSpecify's
 * {@link org.jspecify.annotations.Nullable @Nullable}.
 */
@NullMarked
package io.posthaste;

import org.jspecify.annotations.NullMarked;
