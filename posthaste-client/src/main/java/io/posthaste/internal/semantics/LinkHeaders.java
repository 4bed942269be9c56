package io.posthaste.internal.semantics;

import io.posthaste.Link;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses {@code Link} headers (RFC 8288 §3) into links keyed by relation type. A link with
 * several relations ({@code rel="prev first"}) is listed under each; the first link of a
 * relation wins; malformed links are skipped rather than failing the response.
 */
public final class LinkHeaders {

    private LinkHeaders() {}

    /** Returns the links of {@code values}, resolved against {@code base}, by relation. */
    public static Map<String, Link> parse(List<String> values, URI base) {
        Map<String, Link> links = new LinkedHashMap<>();
        for (String value : values) {
            int i = 0;
            while (i < value.length()) {
                int open = value.indexOf('<', i);
                if (open < 0) {
                    break;
                }
                int close = value.indexOf('>', open);
                if (close < 0) {
                    break;
                }
                String target = value.substring(open + 1, close).trim();
                Map<String, String> parameters = new HashMap<>();
                i = parameters(value, close + 1, parameters);
                URI url;
                try {
                    url = base.resolve(new URI(target));
                } catch (URISyntaxException | IllegalArgumentException malformed) {
                    continue;
                }
                Link link = new Link(url, parameters);
                for (String rel : parameters.getOrDefault("rel", "").split("\\s+")) {
                    if (!rel.isEmpty()) {
                        links.putIfAbsent(rel.toLowerCase(Locale.ROOT), link);
                    }
                }
            }
        }
        return links;
    }

    /** Reads {@code ; name=value} pairs up to the comma that ends the link; returns where it stopped. */
    private static int parameters(String value, int from, Map<String, String> out) {
        int i = from;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == ',') {
                return i + 1;
            }
            if (c != ';') {
                i++;
                continue;
            }
            int nameStart = ++i;
            while (i < value.length() && value.charAt(i) != '=' && value.charAt(i) != ';' && value.charAt(i) != ',') {
                i++;
            }
            String name = value.substring(nameStart, i).trim().toLowerCase(Locale.ROOT);
            String parameter = "";
            if (i < value.length() && value.charAt(i) == '=') {
                i++;
                while (i < value.length() && value.charAt(i) == ' ') {
                    i++;
                }
                StringBuilder text = new StringBuilder();
                if (i < value.length() && value.charAt(i) == '"') {
                    i++;
                    while (i < value.length() && value.charAt(i) != '"') {
                        if (value.charAt(i) == '\\' && i + 1 < value.length()) {
                            i++;
                        }
                        text.append(value.charAt(i++));
                    }
                    i++;
                } else {
                    while (i < value.length() && value.charAt(i) != ';' && value.charAt(i) != ',') {
                        text.append(value.charAt(i++));
                    }
                }
                parameter = text.toString().trim();
            }
            if (!name.isEmpty()) {
                out.putIfAbsent(name, parameter);
            }
        }
        return i;
    }
}
