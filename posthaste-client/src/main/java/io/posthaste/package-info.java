/**
 * Posthaste: an asynchronous HTTP client in the spirit of aiohttp's {@code ClientSession}.
 * Everything a user needs is in this package; {@code io.posthaste.internal} and below are
 * implementation details and not exported.
 */
package io.posthaste;
