package io.posthaste;

import io.posthaste.internal.semantics.HeaderRules;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A media type such as {@code application/json} or {@code text/plain; charset=utf-8} (RFC 9110
 * §8.3.1). Type, subtype and parameter names compare case-insensitively; {@link #toString()}
 * gives back the header value.
 */
public final class MediaType {

    /** {@code application/json}. */
    public static final MediaType APPLICATION_JSON = new MediaType("application", "json", Map.of(), "application/json");
    /** {@code application/x-www-form-urlencoded}, which Posthaste always encodes as UTF-8. */
    public static final MediaType FORM_URLENCODED =
            new MediaType("application", "x-www-form-urlencoded", Map.of(), "application/x-www-form-urlencoded");
    /** {@code application/octet-stream}. */
    public static final MediaType OCTET_STREAM =
            new MediaType("application", "octet-stream", Map.of(), "application/octet-stream");
    /** {@code text/plain; charset=utf-8}. */
    public static final MediaType TEXT_PLAIN_UTF8 =
            new MediaType("text", "plain", Map.of("charset", "utf-8"), "text/plain; charset=utf-8");

    /** Applications name the same few types again and again; parse each once (bounded). */
    private static final java.util.concurrent.ConcurrentHashMap<String, MediaType> CACHE =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final String type;
    private final String subtype;
    private final Map<String, String> parameters;
    private final String text;

    private MediaType(String type, String subtype, Map<String, String> parameters, String text) {
        this.type = type;
        this.subtype = subtype;
        this.parameters = parameters;
        this.text = text;
    }

    /**
     * Parses a {@code Content-Type} value.
     *
     * @param value e.g. {@code "application/json; charset=utf-8"}
     * @return the media type
     * @throws InvalidRequestException if {@code value} is not {@code type/subtype *(; name=value)}
     *     or holds characters that are not allowed in a header
     */
    public static MediaType parse(String value) {
        Objects.requireNonNull(value, "media type");
        MediaType cached = CACHE.get(value);
        if (cached != null) {
            return cached;
        }
        MediaType parsed = doParse(value);
        if (CACHE.size() >= 256) {
            CACHE.clear();
        }
        CACHE.put(value, parsed);
        return parsed;
    }

    private static MediaType doParse(String value) {
        HeaderRules.checkValue("Content-Type", value);
        int semicolon = value.indexOf(';');
        String essence = (semicolon < 0 ? value : value.substring(0, semicolon)).trim();
        int slash = essence.indexOf('/');
        if (slash <= 0
                || slash == essence.length() - 1
                || !isToken(essence, 0, slash)
                || !isToken(essence, slash + 1, essence.length())) {
            throw new InvalidRequestException("not a media type: '" + value + "'");
        }
        Map<String, String> params = new LinkedHashMap<>();
        int at = semicolon;
        while (at >= 0 && at < value.length()) {
            int next = nextSemicolon(value, at + 1);
            String param =
                    value.substring(at + 1, next < 0 ? value.length() : next).trim();
            at = next;
            if (param.isEmpty()) {
                continue;
            }
            int eq = param.indexOf('=');
            if (eq <= 0) {
                throw new InvalidRequestException("malformed parameter in media type: '" + value + "'");
            }
            String name = param.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String raw = param.substring(eq + 1).trim();
            params.putIfAbsent(name, unquote(raw));
        }
        return new MediaType(
                essence.substring(0, slash).toLowerCase(Locale.ROOT),
                essence.substring(slash + 1).toLowerCase(Locale.ROOT),
                Map.copyOf(params),
                value.trim());
    }

    /**
     * Parses {@code value}, returning empty instead of throwing when it is malformed or
     * {@code null} (for values received from a server, such as an absent header).
     */
    public static Optional<MediaType> tryParse(@Nullable String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(value));
        } catch (InvalidRequestException e) {
            return Optional.empty();
        }
    }

    private static int nextSemicolon(String value, int from) {
        boolean quoted = false;
        for (int i = from; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\\' && quoted) {
                i++;
            } else if (c == ';' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    private static String unquote(String raw) {
        if (raw.length() < 2 || raw.charAt(0) != '"' || raw.charAt(raw.length() - 1) != '"') {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 1; i < raw.length() - 1; i++) {
            char c = raw.charAt(i);
            if (c == '\\' && i + 1 < raw.length() - 1) {
                c = raw.charAt(++i);
            }
            out.append(c);
        }
        return out.toString();
    }

    private static boolean isToken(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!HeaderRules.isTokenChar(s.charAt(i))) {
                return false;
            }
        }
        return to > from;
    }

    /** Returns the lower-case type, e.g. {@code "application"}. */
    public String type() {
        return type;
    }

    /** Returns the lower-case subtype, e.g. {@code "json"}. */
    public String subtype() {
        return subtype;
    }

    /** Returns the parameters with lower-case names. */
    public Map<String, String> parameters() {
        return parameters;
    }

    /** Returns the value of parameter {@code name} (any case), if present. */
    public Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name.toLowerCase(Locale.ROOT)));
    }

    /** Returns the {@code charset} parameter if present and supported by this JVM. */
    public Optional<Charset> charset() {
        String name = parameters.get("charset");
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Charset.forName(name));
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return Optional.empty();
        }
    }

    /** Returns whether this is {@code application/json} or any {@code +json} type. */
    public boolean isJson() {
        return subtype.equals("json") || subtype.endsWith("+json");
    }

    /** Returns whether type and subtype equal {@code other}'s, ignoring parameters. */
    public boolean sameEssence(MediaType other) {
        return type.equals(other.type) && subtype.equals(other.subtype);
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof MediaType that
                && type.equals(that.type)
                && subtype.equals(that.subtype)
                && parameters.equals(that.parameters);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, subtype, parameters);
    }

    /** Returns the media type as it goes into a {@code Content-Type} header. */
    @Override
    public String toString() {
        return text;
    }
}
