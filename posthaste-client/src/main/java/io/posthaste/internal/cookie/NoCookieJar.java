package io.posthaste.internal.cookie;

import io.posthaste.Cookie;
import io.posthaste.CookieJar;
import java.net.URI;
import java.util.List;

/** The jar that keeps nothing: cookies turned off. */
public final class NoCookieJar implements CookieJar {

    public static final NoCookieJar INSTANCE = new NoCookieJar();

    private NoCookieJar() {}

    @Override
    public void save(URI url, List<String> setCookieHeaders) {
        // Turned off: nothing is kept.
    }

    @Override
    public List<Cookie> load(URI url) {
        return List.of();
    }

    @Override
    public List<Cookie> all() {
        return List.of();
    }

    @Override
    public void clear() {
        // Nothing to clear.
    }
}
