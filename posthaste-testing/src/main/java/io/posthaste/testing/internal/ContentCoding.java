package io.posthaste.testing.internal;

/** The content coding a scripted response applies to its body before framing it. */
public enum ContentCoding {
    IDENTITY(null),
    GZIP("gzip"),
    DEFLATE("deflate");

    private final String token;

    ContentCoding(String token) {
        this.token = token;
    }

    /** Returns the {@code Content-Encoding} token, or null for identity. */
    public String token() {
        return token;
    }
}
