package io.posthaste.testing.internal;

import io.posthaste.testing.Part;
import io.posthaste.testing.RecordedRequest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds the pieces of httpbin's {@code get_dict} (args, data, files, form, headers, json, origin,
 * url, method) with the same keys and value shapes as httpbin 0.9 under Werkzeug.
 */
final class Httpbin {

    /** Headers httpbin hides unless {@code ?show_env} is given (they reveal its hosting proxy). */
    private static final Set<String> ENV_HEADERS = Set.of(
            "X-Varnish",
            "X-Request-Start",
            "X-Heroku-Queue-Depth",
            "X-Real-Ip",
            "X-Forwarded-Proto",
            "X-Forwarded-Protocol",
            "X-Forwarded-Ssl",
            "X-Heroku-Queue-Wait-Time",
            "X-Forwarded-For",
            "X-Heroku-Dynos-In-Use",
            "X-Forwarded-Port",
            "X-Request-Id",
            "Via",
            "Total-Route-Time",
            "Connect-Time");

    private final RecordedRequest request;
    private final Map<String, List<String>> args;
    private Map<String, Object> form = Map.of();
    private Map<String, Object> files = Map.of();
    private Object data = "";
    private Object json = null;

    /** Reads {@code request}'s body as httpbin would; throws MalformedException for broken multipart. */
    Httpbin(RecordedRequest request) {
        this.request = request;
        this.args = Forms.decode(request.query());
        HeaderParams type = HeaderParams.parse(request.header("Content-Type"));
        byte[] body = request.body();
        if (type.value().equals("application/x-www-form-urlencoded")) {
            form = Forms.semiflatten(Forms.decode(new String(body, StandardCharsets.ISO_8859_1)));
        } else if (type.value().equals("multipart/form-data")) {
            readMultipart(Multipart.decode(request.header("Content-Type"), body));
        } else {
            data = jsonSafe(body, "application/octet-stream");
            String text = utf8OrNull(body);
            json = text == null ? null : Json.parse(text);
            if (json == Json.NULL) {
                json = null;
            }
        }
    }

    private void readMultipart(List<Part> parts) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        Map<String, Object> fileMap = new LinkedHashMap<>();
        for (Part p : parts) {
            String name = p.name() != null ? p.name() : "";
            if (p.filename() == null) {
                fields.computeIfAbsent(name, k -> new java.util.ArrayList<>()).add(p.contentUtf8());
            } else {
                // Werkzeug's files.items() yields the first file of each name only.
                String type = p.contentType() != null ? p.contentType() : "application/octet-stream";
                fileMap.putIfAbsent(name, jsonSafe(p.content(), type));
            }
        }
        form = Forms.semiflatten(fields);
        files = fileMap;
    }

    /** Returns the named pieces, sorted by key as Flask's jsonify does. */
    Map<String, Object> dict(String... keys) {
        Map<String, Object> d = new TreeMap<>();
        for (String key : keys) {
            d.put(
                    key,
                    switch (key) {
                        case "args" -> Forms.semiflatten(args);
                        case "data" -> data;
                        case "files" -> files;
                        case "form" -> form;
                        case "headers" -> headers(request, args.containsKey("show_env"));
                        case "json" -> json;
                        case "origin" -> origin(request);
                        case "url" -> request.url();
                        case "method" -> request.method();
                        default -> throw new IllegalArgumentException(key);
                    });
        }
        return d;
    }

    Map<String, List<String>> args() {
        return args;
    }

    /** Returns the request headers as httpbin shows them: canonical names, repeats joined with commas. */
    static Map<String, Object> headers(RecordedRequest request, boolean showEnv) {
        Map<String, Object> out = new TreeMap<>();
        for (Map.Entry<String, String> h : request.headers()) {
            String name = canonical(h.getKey());
            if (!showEnv && ENV_HEADERS.contains(name)) {
                continue;
            }
            out.merge(name, h.getValue(), (a, b) -> a + "," + b);
        }
        return out;
    }

    static String origin(RecordedRequest request) {
        String forwarded = request.header("X-Forwarded-For");
        return forwarded != null ? forwarded : request.remoteIp();
    }

    /**
     * Canonicalises a header name as Werkzeug does via the WSGI environ: underscores become dashes
     * and Python's {@code str.title()} applies (a letter after a non-letter is upper case, others lower).
     */
    static String canonical(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        boolean afterLetter = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i) == '_' ? '-' : name.charAt(i);
            boolean letter = Character.isLetter(c);
            sb.append(letter ? (afterLetter ? Character.toLowerCase(c) : Character.toUpperCase(c)) : c);
            afterLetter = letter;
        }
        return sb.toString();
    }

    /** Returns {@code bytes} as text when they are valid UTF-8, else as a base64 data URL (httpbin's json_safe). */
    static String jsonSafe(byte[] bytes, String contentType) {
        String text = utf8OrNull(bytes);
        return text != null
                ? text
                : "data:" + contentType + ";base64," + Base64.getEncoder().encodeToString(bytes);
    }

    static String utf8OrNull(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
