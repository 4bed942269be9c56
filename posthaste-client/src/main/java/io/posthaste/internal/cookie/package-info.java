/**
 * The cookie jars behind {@link io.posthaste.CookieJar}'s factories, and the Public Suffix List
 * they check {@code Domain} attributes against. Netty-free; not exported by the module.
 */
package io.posthaste.internal.cookie;
