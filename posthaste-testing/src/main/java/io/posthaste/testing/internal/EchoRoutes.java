package io.posthaste.testing.internal;

import io.posthaste.testing.Dispatcher;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The httpbin-compatible echo routes plus {@code /sink}. Stateless and thread-safe; answers are
 * composed on the event loop, and waits ({@code /delay}, {@code /drip}) are scheduled, not slept.
 */
public final class EchoRoutes implements Dispatcher {

    public static final EchoRoutes INSTANCE = new EchoRoutes();

    static final double MAX_DELAY_SECONDS = 10;
    static final int MAX_BYTES = 100 * 1024;
    static final int MAX_STREAM_LINES = 100;
    static final int MAX_DRIP_BYTES = 10 * 1024 * 1024;

    private static final Set<String> ALL = Set.of("*");
    private static final Map<String, Set<String>> METHODS = Map.ofEntries(
            Map.entry("get", Set.of("GET")),
            Map.entry("post", Set.of("POST")),
            Map.entry("put", Set.of("PUT")),
            Map.entry("patch", Set.of("PATCH")),
            Map.entry("delete", Set.of("DELETE")),
            Map.entry("headers", Set.of("GET")),
            Map.entry("ip", Set.of("GET")),
            Map.entry("uuid", Set.of("GET")),
            Map.entry("user-agent", Set.of("GET")),
            Map.entry("status", Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "TRACE")),
            Map.entry("delay", Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "TRACE")),
            Map.entry("response-headers", Set.of("GET", "POST")),
            Map.entry("redirect", Set.of("GET")),
            Map.entry("relative-redirect", Set.of("GET")),
            Map.entry("absolute-redirect", Set.of("GET")),
            Map.entry("cookies", Set.of("GET")),
            Map.entry("basic-auth", Set.of("GET")),
            Map.entry("bearer", Set.of("GET")),
            Map.entry("gzip", Set.of("GET")),
            Map.entry("deflate", Set.of("GET")),
            Map.entry("bytes", Set.of("GET")),
            Map.entry("stream", Set.of("GET")),
            Map.entry("stream-bytes", Set.of("GET")),
            Map.entry("drip", Set.of("GET")),
            Map.entry("anything", ALL),
            Map.entry("redirect-to", ALL),
            Map.entry("sink", ALL));

    private EchoRoutes() {}

    @Override
    public MockResponse dispatch(RecordedRequest r) {
        String[] seg = r.path().substring(r.path().startsWith("/") ? 1 : 0).split("/", -1);
        String route = seg[0];
        Set<String> allowed = METHODS.get(route);
        if (allowed == null) {
            return route.isEmpty()
                    ? text(200, "posthaste TestServer: httpbin-style echo routes and /sink\n")
                    : html(404, "<h1>Not Found</h1>\n<p>The requested URL was not found on the server.</p>\n");
        }
        if (r.method().equals("OPTIONS")) {
            return MockResponse.builder()
                    .header("Allow", allow(allowed))
                    .header("Access-Control-Allow-Origin", "*")
                    .header("Content-Type", "text/html; charset=utf-8")
                    .build();
        }
        if (!allowed.equals(ALL)
                && !allowed.contains(r.method())
                && !(r.method().equals("HEAD") && allowed.contains("GET"))) {
            return html(405, "<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n")
                    .toBuilder()
                    .header("Allow", allow(allowed))
                    .build();
        }
        try {
            return route(route, seg, r);
        } catch (MultipartParser.MalformedException e) {
            return text(400, "malformed multipart body: " + e.getMessage() + "\n");
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            return html(404, "<h1>Not Found</h1>\n<p>The requested URL was not found on the server.</p>\n");
        }
    }

    private MockResponse route(String route, String[] seg, RecordedRequest r) {
        return switch (route) {
            case "get" -> json(new Httpbin(r).dict("args", "headers", "origin", "url"));
            case "post", "put", "patch", "delete" ->
                json(new Httpbin(r).dict("args", "data", "files", "form", "headers", "json", "origin", "url"));
            case "anything" ->
                json(new Httpbin(r)
                        .dict("args", "data", "files", "form", "headers", "json", "method", "origin", "url"));
            case "headers" -> json(new Httpbin(r).dict("headers"));
            case "ip" -> json(Map.of("origin", Httpbin.origin(r)));
            case "uuid" -> json(Map.of("uuid", UUID.randomUUID().toString()));
            case "user-agent" -> json(Map.of("user-agent", nullToEmpty(r.header("User-Agent"))));
            case "status" -> Redirects.status(seg[1]);
            case "redirect" -> Redirects.redirect(r, Integer.parseInt(seg[1]));
            case "relative-redirect" -> Redirects.relative(Integer.parseInt(seg[1]));
            case "absolute-redirect" -> Redirects.absolute(r, Integer.parseInt(seg[1]));
            case "redirect-to" -> Redirects.redirectTo(r);
            case "cookies" -> Cookies.route(r, seg);
            case "basic-auth" -> basicAuth(r, Forms.unescapePath(seg[1]), Forms.unescapePath(seg[2]));
            case "bearer" -> bearer(r);
            case "gzip" -> json(withFlag(r, "gzipped")).toBuilder().gzip().build();
            case "deflate" ->
                json(withFlag(r, "deflated")).toBuilder().deflate().build();
            case "bytes" -> bytes(r, Integer.parseInt(seg[1]), false);
            case "stream-bytes" -> bytes(r, Integer.parseInt(seg[1]), true);
            case "stream" -> stream(r, Integer.parseInt(seg[1]));
            case "drip" -> drip(r);
            case "delay" -> delay(r, Double.parseDouble(seg[1]));
            case "response-headers" -> responseHeaders(r);
            case "sink" -> sink(SinkRecount.of(r));
            default -> throw new AssertionError(route);
        };
    }

    /** Answers {@code /sink} with what was measured while the body streamed past. */
    public static MockResponse sink(SinkResult s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bytes", s.bytes());
        out.put("sha256", s.sha256());
        out.put("chunked", s.chunked());
        out.put("chunks", s.chunks());
        out.put(
                "parts",
                s.parts().stream()
                        .map(p -> {
                            Map<String, Object> m = new LinkedHashMap<>();
                            m.put("name", p.name());
                            m.put("filename", p.filename());
                            m.put("content_type", p.contentType());
                            m.put("bytes", p.bytes());
                            m.put("sha256", p.sha256());
                            return m;
                        })
                        .toList());
        if (s.multipartError() != null) {
            out.put("multipart_error", s.multipartError());
        }
        return json(out);
    }

    private static Map<String, Object> withFlag(RecordedRequest r, String flag) {
        Map<String, Object> d = new Httpbin(r).dict("headers", "method", "origin");
        d.put(flag, true);
        return d;
    }

    private static MockResponse basicAuth(RecordedRequest r, String user, String password) {
        String auth = r.header("Authorization");
        String expected =
                "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        if (auth == null || !auth.equals(expected)) {
            return MockResponse.builder()
                    .status(401)
                    .header("WWW-Authenticate", "Basic realm=\"Fake Realm\"")
                    .header("Access-Control-Allow-Origin", "*")
                    .build();
        }
        Map<String, Object> out = new TreeMap<>();
        out.put("authenticated", true);
        out.put("user", user);
        return json(out);
    }

    private static MockResponse bearer(RecordedRequest r) {
        String auth = r.header("Authorization");
        if (auth == null || !auth.startsWith("Bearer ")) {
            return MockResponse.builder()
                    .status(401)
                    .header("WWW-Authenticate", "Bearer")
                    .header("Access-Control-Allow-Origin", "*")
                    .build();
        }
        Map<String, Object> out = new TreeMap<>();
        out.put("authenticated", true);
        out.put("token", auth.substring("Bearer ".length()));
        return json(out);
    }

    private static MockResponse bytes(RecordedRequest r, int n, boolean streamed) {
        Map<String, List<String>> args = Forms.decode(r.query());
        byte[] data = new byte[Math.max(0, Math.min(n, MAX_BYTES))];
        String seed = first(args, "seed");
        (seed != null ? new Random(Long.parseLong(seed)) : new Random()).nextBytes(data);
        MockResponse.Builder b = MockResponse.builder()
                .header("Content-Type", "application/octet-stream")
                .header("Access-Control-Allow-Origin", "*")
                .body(data);
        if (streamed) {
            String chunk = first(args, "chunk_size");
            b.chunked(Math.max(1, chunk != null ? Integer.parseInt(chunk) : 10 * 1024));
        }
        return b.build();
    }

    private static MockResponse stream(RecordedRequest r, int n) {
        int lines = Math.max(0, Math.min(n, MAX_STREAM_LINES));
        StringBuilder body = new StringBuilder();
        int[] sizes = new int[Math.max(1, lines)];
        Map<String, Object> base = new Httpbin(r).dict("args", "headers", "origin", "url");
        for (int i = 0; i < lines; i++) {
            Map<String, Object> line = new TreeMap<>(base);
            line.put("id", i);
            String compact = Json.write(line).replaceAll("\n\\s*", " ").trim() + "\n";
            sizes[i] = compact.getBytes(StandardCharsets.UTF_8).length;
            body.append(compact);
        }
        return MockResponse.builder()
                .header("Content-Type", "application/json")
                .header("Access-Control-Allow-Origin", "*")
                .body(body.toString())
                .chunked(sizes)
                .build();
    }

    private static MockResponse drip(RecordedRequest r) {
        Map<String, List<String>> args = Forms.decode(r.query());
        double duration = number(args, "duration", 2);
        double delay = number(args, "delay", 0);
        int numbytes = (int) number(args, "numbytes", 10);
        int code = (int) number(args, "code", 200);
        if (numbytes <= 0) {
            return text(400, "number of bytes must be positive");
        }
        if (duration < 0 || delay < 0 || code < 100 || code > 999) {
            return text(400, "duration, delay and code must be valid");
        }
        numbytes = Math.min(numbytes, MAX_DRIP_BYTES);
        long pauseNanos = (long) (Math.min(duration, MAX_DELAY_SECONDS) * 1e9 / numbytes);
        return MockResponse.builder()
                .status(code)
                .header("Content-Type", "application/octet-stream")
                .header("Access-Control-Allow-Origin", "*")
                .body("*".repeat(numbytes))
                .headersDelay(seconds(Math.min(delay, MAX_DELAY_SECONDS)))
                .throttle(1, Duration.ofNanos(pauseNanos))
                .build();
    }

    private static MockResponse delay(RecordedRequest r, double seconds) {
        if (seconds < 0 || Double.isNaN(seconds)) {
            return text(400, "delay must not be negative");
        }
        return json(new Httpbin(r).dict("args", "data", "files", "form", "headers", "origin", "url")).toBuilder()
                .headersDelay(seconds(Math.min(seconds, MAX_DELAY_SECONDS)))
                .build();
    }

    private static MockResponse responseHeaders(RecordedRequest r) {
        Map<String, List<String>> args = Forms.decode(r.query());
        String body = "";
        String length = "0";
        for (int attempt = 0; attempt < 5; attempt++) {
            // The body lists Content-Length, which depends on the body: iterate until it is stable.
            Map<String, Object> shown = new TreeMap<>(Forms.semiflatten(args));
            shown.put("Content-Type", "application/json");
            shown.put("Content-Length", length);
            body = Json.write(shown);
            String next = String.valueOf(body.getBytes(StandardCharsets.UTF_8).length);
            if (next.equals(length)) {
                break;
            }
            length = next;
        }
        MockResponse.Builder b = MockResponse.builder()
                .header("Content-Type", "application/json")
                .header("Content-Length", length);
        args.forEach((k, values) -> values.forEach(v -> {
            if (Tokens.isToken(k)) {
                b.header(k, v);
            }
        }));
        return b.body(body).build();
    }

    static MockResponse json(Map<String, ?> value) {
        return MockResponse.builder()
                .header("Content-Type", "application/json")
                .header("Access-Control-Allow-Origin", "*")
                .header("Access-Control-Allow-Credentials", "true")
                .body(Json.write(value))
                .build();
    }

    static MockResponse text(int status, String body) {
        return MockResponse.builder()
                .status(status)
                .header("Content-Type", "text/plain; charset=utf-8")
                .body(body)
                .build();
    }

    static MockResponse html(int status, String body) {
        return MockResponse.builder()
                .status(status)
                .header("Content-Type", "text/html; charset=utf-8")
                .body("<!doctype html>\n<html lang=en>\n<title>" + Statuses.reason(status) + "</title>\n" + body)
                .build();
    }

    static String first(Map<String, List<String>> args, String key) {
        List<String> values = args.get(key);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static double number(Map<String, List<String>> args, String key, double fallback) {
        String v = first(args, key);
        return v == null ? fallback : Double.parseDouble(v);
    }

    private static Duration seconds(double s) {
        return Duration.ofNanos((long) (s * 1e9));
    }

    private static String allow(Set<String> methods) {
        if (methods.equals(ALL)) {
            return "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE";
        }
        StringBuilder sb = new StringBuilder();
        methods.stream().sorted().forEach(m -> sb.append(m).append(", "));
        if (methods.contains("GET")) {
            sb.append("HEAD, ");
        }
        return sb.append("OPTIONS").toString();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
