package io.posthaste.bench;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * Hand-made multipart/form-data framing around one file part, for peers that have no multipart
 * builder (JDK HttpClient, Apache async, Helidon): the driver sends {@link #head()}, the file's
 * bytes, then {@link #tail()}, with an exact Content-Length.
 */
public final class MultipartFraming {

    private final String boundary;
    private final byte[] head;
    private final byte[] tail;

    /** Frames a part named {@code field} carrying a file called {@code fileName}. */
    public MultipartFraming(String field, String fileName) {
        byte[] random = new byte[12];
        new SecureRandom().nextBytes(random);
        StringBuilder b = new StringBuilder("posthaste-bench-");
        for (byte x : random) {
            b.append(String.format("%02x", x));
        }
        boundary = b.toString();
        head = ("--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"" + field + "\"; filename=\"" + fileName + "\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    public String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    public byte[] head() {
        return head.clone();
    }

    public byte[] tail() {
        return tail.clone();
    }

    public long contentLength(long fileSize) {
        return head.length + fileSize + tail.length;
    }
}
