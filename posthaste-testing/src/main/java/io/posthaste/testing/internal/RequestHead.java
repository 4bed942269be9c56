package io.posthaste.testing.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The request line and header section of one request, exactly as received: header names keep
 * their case and their order.
 *
 * @param method the method token
 * @param target the request-target as sent
 * @param version {@code HTTP/1.1} or {@code HTTP/1.0}
 * @param headers the header fields in arrival order, values without surrounding whitespace
 */
public record RequestHead(String method, String target, String version, List<Map.Entry<String, String>> headers) {

    public RequestHead {
        headers = List.copyOf(headers);
    }

    /** Returns the first value of the named header (case-insensitive), or null. */
    public String header(String name) {
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }

    /** Returns every value of the named header (case-insensitive) in arrival order. */
    public List<String> headers(String name) {
        List<String> values = new ArrayList<>(2);
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                values.add(h.getValue());
            }
        }
        return values;
    }

    /** Returns whether the client asked to keep the connection open after this exchange. */
    public boolean keepAlive() {
        boolean close = false;
        boolean keepAlive = false;
        for (String value : headers("Connection")) {
            for (String token : value.split(",")) {
                String t = token.trim();
                close |= t.equalsIgnoreCase("close");
                keepAlive |= t.equalsIgnoreCase("keep-alive");
            }
        }
        return !close && ("HTTP/1.1".equals(version) || keepAlive);
    }

    /** Returns whether the client waits for {@code 100 Continue} before sending its body. */
    public boolean expectsContinue() {
        String expect = header("Expect");
        return expect != null && expect.equalsIgnoreCase("100-continue") && "HTTP/1.1".equals(version);
    }

    /** Returns the path of the request-target without its query, for origin and absolute forms. */
    public String path() {
        String t = target;
        if (!t.startsWith("/")) {
            int scheme = t.indexOf("://");
            if (scheme < 0) {
                return t;
            }
            int slash = t.indexOf('/', scheme + 3);
            int question = t.indexOf('?', scheme + 3);
            if (slash < 0 || (question >= 0 && question < slash)) {
                t = "/" + (question >= 0 ? t.substring(question) : "");
            } else {
                t = t.substring(slash);
            }
        }
        int q = t.indexOf('?');
        int hash = t.indexOf('#');
        int end = q >= 0 ? q : (hash >= 0 ? hash : t.length());
        return t.substring(0, end);
    }

    /** Returns the query of the request-target without the {@code ?}, or null when there is none. */
    public String query() {
        int q = target.indexOf('?');
        if (q < 0) {
            return null;
        }
        int hash = target.indexOf('#', q);
        return target.substring(q + 1, hash >= 0 ? hash : target.length());
    }
}
