package io.posthaste.testing;

import io.posthaste.testing.internal.HeaderParams;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One part of a {@code multipart/form-data} request body, as decoded by the server's own parser
 * (independent of any client-side encoder).
 *
 * @param name the {@code name} parameter of the part's {@code Content-Disposition}, or null
 * @param filename the {@code filename*} (RFC 8187, decoded) or else {@code filename} parameter, or null
 * @param headers the part's header fields in order, with their original case
 * @param content the part's content bytes (a copy is returned)
 */
public record Part(String name, String filename, List<Map.Entry<String, String>> headers, byte[] content) {

    public Part {
        headers = List.copyOf(headers);
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    /** Returns the content decoded as UTF-8. */
    public String contentUtf8() {
        return new String(content, StandardCharsets.UTF_8);
    }

    /** Returns the part's {@code Content-Type}, or null when it has none. */
    public String contentType() {
        return header("Content-Type");
    }

    /** Returns the first value of the named part header (case-insensitive), or null. */
    public String header(String headerName) {
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(headerName)) {
                return h.getValue();
            }
        }
        return null;
    }

    /** Returns the media type of the part without parameters, lower-cased, or null. */
    public String mediaType() {
        String type = contentType();
        return type == null ? null : HeaderParams.parse(type).value();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Part p
                && java.util.Objects.equals(name, p.name)
                && java.util.Objects.equals(filename, p.filename)
                && headers.equals(p.headers)
                && Arrays.equals(content, p.content);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(name, filename, headers) * 31 + Arrays.hashCode(content);
    }

    @Override
    public String toString() {
        return "Part[name=" + name + ", filename=" + filename + ", headers=" + headers + ", " + content.length
                + " bytes]";
    }
}
