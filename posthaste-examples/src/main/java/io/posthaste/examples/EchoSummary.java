package io.posthaste.examples;

import com.fasterxml.jackson.databind.JsonNode;
import io.posthaste.ClientException;
import io.posthaste.Response;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Renders what an httpbin-compatible server says it saw ({@code /post}, {@code /headers} echoes)
 * as a few readable lines: the request headers, then the non-empty {@code json}, {@code form},
 * {@code files} and {@code data} fields. Long values (a file's {@code data:} URL) are shortened.
 * A server that does not answer JSON is shown as text, so the examples run against anything.
 */
final class EchoSummary {

    /** Values longer than this are cut, with their full length noted. */
    static final int MAX_VALUE_CHARS = 72;

    private EchoSummary() {}

    /** Returns the summary of {@code response}'s echo, each line starting with {@code indent}. */
    static String of(Response response, String indent) {
        JsonNode seen;
        try {
            seen = response.json();
        } catch (ClientException notJson) {
            String text = new String(response.bytes(), StandardCharsets.UTF_8);
            return indent + "(not a JSON echo) " + shorten(text) + "\n";
        }
        if (seen == null || !seen.isObject()) {
            return indent + shorten(String.valueOf(seen)) + "\n";
        }
        StringBuilder out = new StringBuilder();
        JsonNode headers = seen.path("headers");
        for (Map.Entry<String, JsonNode> header : headers.properties()) {
            out.append(indent)
                    .append(header.getKey())
                    .append(": ")
                    .append(shorten(header.getValue().asText()))
                    .append('\n');
        }
        appendIfPresent(out, indent, "json", seen.path("json"));
        appendIfPresent(out, indent, "form", seen.path("form"));
        appendIfPresent(out, indent, "files", seen.path("files"));
        appendIfPresent(out, indent, "data", seen.path("data"));
        return out.toString();
    }

    private static void appendIfPresent(StringBuilder out, String indent, String key, JsonNode value) {
        if (value.isMissingNode()
                || value.isNull()
                || value.isEmpty() && !value.isValueNode()
                || value.isTextual() && value.asText().isEmpty()) {
            return;
        }
        if (value.isObject()) {
            StringBuilder fields = new StringBuilder();
            for (Map.Entry<String, JsonNode> field : value.properties()) {
                fields.append(fields.isEmpty() ? "" : ", ")
                        .append(field.getKey())
                        .append('=')
                        .append(shorten(
                                field.getValue().isTextual()
                                        ? field.getValue().asText()
                                        : field.getValue().toString()));
            }
            out.append(indent).append(key).append(": {").append(fields).append("}\n");
        } else {
            out.append(indent)
                    .append(key)
                    .append(": ")
                    .append(shorten(value.isTextual() ? value.asText() : value.toString()))
                    .append('\n');
        }
    }

    /** Returns {@code text} cut to {@link #MAX_VALUE_CHARS}, noting the full length when cut. */
    static String shorten(String text) {
        String oneLine = text.strip().replace("\n", " ");
        return oneLine.length() <= MAX_VALUE_CHARS
                ? oneLine
                : oneLine.substring(0, MAX_VALUE_CHARS) + "… (" + oneLine.length() + " chars)";
    }
}
