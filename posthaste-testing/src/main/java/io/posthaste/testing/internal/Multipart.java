package io.posthaste.testing.internal;

import io.posthaste.testing.Part;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Decodes a whole multipart body into {@link Part}s with {@link MultipartParser}. */
public final class Multipart {

    private Multipart() {}

    /**
     * Decodes {@code body} if {@code contentType} is {@code multipart/*}; returns an empty list otherwise.
     *
     * @throws MultipartParser.MalformedException when the body is not well-formed multipart
     */
    public static List<Part> decode(String contentType, byte[] body) {
        String boundary = MultipartParser.boundary(contentType);
        if (boundary == null) {
            if (HeaderParams.parse(contentType).value().startsWith("multipart/")) {
                throw new MultipartParser.MalformedException("multipart Content-Type without a boundary");
            }
            return List.of();
        }
        List<Part> parts = new ArrayList<>();
        MultipartParser parser = new MultipartParser(boundary, new MultipartParser.Handler() {
            private List<Map.Entry<String, String>> headers;
            private final ByteArrayOutputStream content = new ByteArrayOutputStream();

            @Override
            public void partStart(List<Map.Entry<String, String>> partHeaders) {
                headers = partHeaders;
                content.reset();
            }

            @Override
            public void partData(byte[] data, int offset, int length) {
                content.write(data, offset, length);
            }

            @Override
            public void partEnd() {
                HeaderParams disposition = HeaderParams.parse(header(headers, "Content-Disposition"));
                parts.add(new Part(disposition.param("name"), filename(disposition), headers, content.toByteArray()));
            }
        });
        parser.feed(body, 0, body.length);
        parser.finish();
        return List.copyOf(parts);
    }

    /** Returns the first value of a header in {@code headers} (case-insensitive), or null. */
    static String header(List<Map.Entry<String, String>> headers, String name) {
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }

    /** Returns {@code filename*} when present (RFC 8187), else {@code filename}, else null. */
    static String filename(HeaderParams disposition) {
        String extended = disposition.param("filename*");
        return extended != null ? extended : disposition.param("filename");
    }
}
