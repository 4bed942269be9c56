package io.posthaste.testing.internal;

import io.posthaste.testing.MockResponse;
import io.posthaste.testing.RecordedRequest;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** httpbin's {@code /cookies}, {@code /cookies/set} and {@code /cookies/delete}. */
final class Cookies {

    private Cookies() {}

    static MockResponse route(RecordedRequest r, String[] seg) {
        if (seg.length == 1 || (seg.length == 2 && seg[1].isEmpty())) {
            return EchoRoutes.json(Map.of("cookies", parse(r.headers("Cookie"))));
        }
        String secure = r.tls() ? "; Secure" : "";
        MockResponse.Builder b = MockResponse.builder()
                .status(302)
                .header("Location", "/cookies")
                .header("Content-Type", "text/html; charset=utf-8");
        switch (seg[1]) {
            case "set" -> {
                if (seg.length == 4) {
                    b.header(
                            "Set-Cookie",
                            Forms.unescapePath(seg[2]) + "=" + Forms.unescapePath(seg[3]) + secure + "; Path=/");
                } else {
                    Forms.decode(r.query())
                            .forEach((k, v) -> b.header("Set-Cookie", k + "=" + v.get(0) + secure + "; Path=/"));
                }
            }
            case "delete" ->
                Forms.decode(r.query())
                        .keySet()
                        .forEach(k -> b.header(
                                "Set-Cookie",
                                k + "=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0" + secure + "; Path=/"));
            default -> {
                return EchoRoutes.html(404, "<h1>Not Found</h1>\n");
            }
        }
        return b.build();
    }

    private static Map<String, Object> parse(List<String> headers) {
        Map<String, Object> cookies = new TreeMap<>();
        for (String header : headers) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    String value = pair.substring(eq + 1).trim();
                    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                        value = value.substring(1, value.length() - 1);
                    }
                    cookies.put(pair.substring(0, eq).trim(), value);
                }
            }
        }
        return cookies;
    }
}
