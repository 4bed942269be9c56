/** The default {@link io.posthaste.JsonCodec}, on Jackson. A helper package. */
package io.posthaste.internal.json;
