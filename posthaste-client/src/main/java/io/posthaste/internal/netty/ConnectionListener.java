package io.posthaste.internal.netty;

/** Hears about connections that closed or turned bad while nobody was using them. */
interface ConnectionListener {

    /** {@code connection} closed, or received bytes, while idle in the pool. */
    void idleConnectionLost(HttpConnection connection);
}
