package io.posthaste.internal.session;

import io.posthaste.Interceptor;
import java.util.List;

/**
 * What a request carries for the steps that is not public API, in one object handed over once
 * (instead of one bridge method per feature). Immutable; {@link #NONE} for a plain request.
 *
 * @param interceptors the request's own application interceptors, or {@code null}: the session's
 * @param digest the request's Digest credentials, or {@code null}
 * @param progress the request's progress listeners, or {@code null}
 */
public record RequestExtras(List<Interceptor> interceptors, DigestCredentials digest,
        ProgressListeners progress) {

    /** A request with none of these. */
    public static final RequestExtras NONE = new RequestExtras(null, null, null);

    /** Returns {@link #NONE} when every part is null, else the parts. */
    public static RequestExtras of(List<Interceptor> interceptors, DigestCredentials digest,
            ProgressListeners progress) {
        return interceptors == null && digest == null && progress == null ? NONE
                : new RequestExtras(interceptors, digest, progress);
    }
}
