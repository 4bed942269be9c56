package io.posthaste.internal.chain;

import io.posthaste.Interceptor;

/** What a step outside this package may ask of the chain it was handed, without the chain's types. */
public final class Chains {

    private Chains() {}

    /**
     * Returns whether {@code chain} belongs to a {@code stream()} call, whose answer keeps its body
     * on the connection; {@code false} for a chain Posthaste did not make.
     */
    public static boolean streaming(Interceptor.Chain chain) {
        return chain instanceof InterceptorChain ours && ours.state().streaming;
    }
}
