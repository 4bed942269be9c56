package io.posthaste;

import io.posthaste.internal.semantics.HeaderRules;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * An immutable, ordered list of HTTP header fields. Names compare case-insensitively but keep the
 * case they were given in, and repeated names keep every value in order. Every name and value is
 * validated on the way in: a name must be an RFC 9110 token and a value must not contain CR, LF,
 * NUL or other control characters except horizontal tab, so nothing built here can split a
 * request.
 *
 * <p>{@link #toString()} never shows a credential: the values of {@code Authorization},
 * {@code Cookie}, {@code Proxy-Authorization} and {@code Set-Cookie} are masked, and so, in the
 * headers of a request built by a session, of its responses and of the copies made from them
 * (by {@link #toBuilder()}, {@link Request#toBuilder()} or on a redirect), are the values of every
 * header the session declared with {@link ClientSession.Builder#sensitiveHeaders(String...)}.
 *
 * {@snippet :
 * Headers headers = Headers.of("X-Auth-Token", "secret-token", "Accept", "application/json");
 * headers.firstValue("x-auth-token"); // Optional[secret-token]
 * }
 */
public final class Headers {

    private static final Headers EMPTY = new Headers(new String[0], Set.of());

    /** Alternating names and values, in order. */
    private final String[] namesAndValues;

    /**
     * Lower-case names, beyond the ones {@link HeaderRules#isAlwaysSensitive} covers, whose values
     * {@link #toString()} masks: a session's declared sensitive headers. Not part of the value.
     */
    private final Set<String> masked;

    private Headers(String[] namesAndValues, Set<String> masked) {
        this.namesAndValues = namesAndValues;
        this.masked = masked;
    }

    /** Wraps fields already validated by the response decoder; the array is owned from now on. */
    static Headers trusted(String[] namesAndValues) {
        return namesAndValues.length == 0 ? EMPTY : new Headers(namesAndValues, Set.of());
    }

    /**
     * Returns these fields with {@code names} (lower case) masked by {@link #toString()} as well,
     * sharing the fields; {@code this} if it masks exactly those already.
     */
    Headers masking(Set<String> names) {
        return names.equals(masked) ? this : new Headers(namesAndValues, names);
    }

    /** Returns these fields masked as {@code other} is (a response's as its request's). */
    Headers maskedLike(Headers other) {
        return other.masked.isEmpty() ? this : masking(other.masked);
    }

    /** Returns the empty header list. */
    public static Headers empty() {
        return EMPTY;
    }

    /**
     * Returns headers from alternating names and values.
     *
     * @param namesAndValues name, value, name, value, ...
     * @return the headers
     * @throws InvalidRequestException if a name or value is not allowed in HTTP
     * @throws IllegalArgumentException if the count is odd
     */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("expected name, value pairs but got an odd count");
        }
        Builder builder = builder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            builder.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return builder.build();
    }

    /**
     * Returns headers from a map, in the map's iteration order.
     *
     * @param map names to values
     * @return the headers
     * @throws InvalidRequestException if a name or value is not allowed in HTTP
     */
    public static Headers of(Map<String, String> map) {
        Builder builder = builder();
        map.forEach(builder::add);
        return builder.build();
    }

    /** Returns an empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder holding these headers, to derive a changed copy. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.list.addAll(Arrays.asList(namesAndValues));
        builder.masked = masked;
        return builder;
    }

    /** Returns the number of fields (a repeated name counts once per value). */
    public int size() {
        return namesAndValues.length / 2;
    }

    /** Returns whether there are no fields. */
    public boolean isEmpty() {
        return namesAndValues.length == 0;
    }

    /** Returns the name of field {@code index}, in the case it was given. */
    public String name(int index) {
        return namesAndValues[index * 2];
    }

    /** Returns the value of field {@code index}. */
    public String value(int index) {
        return namesAndValues[index * 2 + 1];
    }

    /** Returns whether a field named {@code name} (any case) is present. */
    public boolean contains(String name) {
        return indexOf(name) >= 0;
    }

    /** Returns the first value of {@code name} (any case), if present. */
    public Optional<String> firstValue(String name) {
        int i = indexOf(name);
        return i < 0 ? Optional.empty() : Optional.of(namesAndValues[i + 1]);
    }

    /** Returns the first value of {@code name} (any case), or {@code null} if absent. */
    public @Nullable String get(String name) {
        int i = indexOf(name);
        return i < 0 ? null : namesAndValues[i + 1];
    }

    /** Returns every value of {@code name} (any case), in order; empty if absent. */
    public List<String> allValues(String name) {
        List<String> values = null;
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (name.equalsIgnoreCase(namesAndValues[i])) {
                if (values == null) {
                    values = new ArrayList<>(2);
                }
                values.add(namesAndValues[i + 1]);
            }
        }
        return values == null ? List.of() : Collections.unmodifiableList(values);
    }

    /** Returns the distinct names, in first-seen order and original case. */
    public Set<String> names() {
        Map<String, String> byLower = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            byLower.putIfAbsent(namesAndValues[i].toLowerCase(Locale.ROOT), namesAndValues[i]);
        }
        return Collections.unmodifiableSet(new LinkedHashSet<>(byLower.values()));
    }

    /** Calls {@code action} with each name and value, in order. */
    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < namesAndValues.length; i += 2) {
            action.accept(namesAndValues[i], namesAndValues[i + 1]);
        }
    }

    /** Returns the fields as a map from name (first-seen case) to all values, in order. */
    public Map<String, List<String>> toMap() {
        Map<String, List<String>> byLower = new LinkedHashMap<>();
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            String name = namesAndValues[i];
            List<String> values = byLower.get(name.toLowerCase(Locale.ROOT));
            if (values == null) {
                values = new ArrayList<>(1);
                byLower.put(name.toLowerCase(Locale.ROOT), values);
                map.put(name, values);
            }
            values.add(namesAndValues[i + 1]);
        }
        map.replaceAll((name, values) -> List.copyOf(values));
        return Collections.unmodifiableMap(map);
    }

    private int indexOf(String name) {
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (name.equalsIgnoreCase(namesAndValues[i])) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Returns whether {@code other} holds the same fields in the same order, names compared with
     * their case. Which values {@link #toString()} masks plays no part.
     */
    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof Headers that && Arrays.equals(namesAndValues, that.namesAndValues);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(namesAndValues);
    }

    /**
     * Returns the fields one per line as {@code Name: value}, with the value of every sensitive
     * header (see the class description) shown as {@code ██}.
     */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            String name = namesAndValues[i];
            out.append(name)
                    .append(": ")
                    .append(isMasked(name) ? "██" : namesAndValues[i + 1])
                    .append('\n');
        }
        return out.toString();
    }

    /**
     * Returns whether {@code name}'s value is sensitive, so that {@link #toString()} masks it:
     * {@code Authorization}, {@code Cookie}, {@code Proxy-Authorization}, {@code Set-Cookie}, and
     * in a session's requests and responses the headers it declared sensitive. Tools that write
     * headers down (logs, recordings) redact these.
     */
    public boolean isSensitive(String name) {
        return isMasked(name);
    }

    /** Returns whether {@link #toString()} masks the value of {@code name}. */
    boolean isMasked(String name) {
        return HeaderRules.isAlwaysSensitive(name)
                || !masked.isEmpty() && masked.contains(name.toLowerCase(Locale.ROOT));
    }

    /** A mutable builder of {@link Headers}; not thread-safe. */
    public static final class Builder {

        private final List<String> list = new ArrayList<>(16);
        private Set<String> masked = Set.of();

        private Builder() {}

        /**
         * Appends a field, keeping any existing ones of the same name.
         *
         * @throws InvalidRequestException if the name or value is not allowed in HTTP
         */
        public Builder add(String name, String value) {
            HeaderRules.checkName(name);
            HeaderRules.checkValue(name, value);
            list.add(name);
            list.add(value);
            return this;
        }

        /**
         * Replaces every field named {@code name} (any case) with one field.
         *
         * @throws InvalidRequestException if the name or value is not allowed in HTTP
         */
        public Builder set(String name, String value) {
            HeaderRules.checkName(name);
            HeaderRules.checkValue(name, value);
            removeAll(name);
            list.add(name);
            list.add(value);
            return this;
        }

        /** Removes every field named {@code name} (any case). */
        public Builder removeAll(String name) {
            Objects.requireNonNull(name, "name");
            for (int i = list.size() - 2; i >= 0; i -= 2) {
                if (name.equalsIgnoreCase(list.get(i))) {
                    list.remove(i + 1);
                    list.remove(i);
                }
            }
            return this;
        }

        /** Returns whether a field named {@code name} (any case) is present. */
        public boolean contains(String name) {
            for (int i = 0; i < list.size(); i += 2) {
                if (name.equalsIgnoreCase(list.get(i))) {
                    return true;
                }
            }
            return false;
        }

        /** Returns the headers built so far. */
        public Headers build() {
            return list.isEmpty() && masked.isEmpty() ? EMPTY : new Headers(list.toArray(new String[0]), masked);
        }
    }
}
