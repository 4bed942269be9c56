package io.posthaste.bench;

import java.nio.charset.StandardCharsets;

/** The 1 KiB JSON document every client posts: exactly 1,024 bytes of valid JSON. */
final class JsonBody {

    private JsonBody() {
    }

    static byte[] oneKib() {
        StringBuilder sb = new StringBuilder("{\"items\":[");
        for (int i = 0; sb.length() < 960; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"id\":").append(i).append(",\"ok\":true}");
        }
        sb.append("],\"pad\":\"");
        while (sb.length() < 1024 - 2) {
            sb.append('x');
        }
        sb.append("\"}");
        byte[] b = sb.toString().getBytes(StandardCharsets.US_ASCII);
        if (b.length != 1024) {
            throw new IllegalStateException("JSON body is " + b.length + " bytes");
        }
        return b;
    }
}
