/**
 * Request URLs: {@link io.posthaste.internal.url.RequestUrl} (parsed and checked once, with the
 * parts the wire needs), a small cache of parsed URLs, and form (percent) encoding. A helper
 * package.
 */
package io.posthaste.internal.url;
