package io.posthaste.internal.http2;

import io.netty.handler.codec.EmptyHeaders;
import io.netty.handler.codec.http.HttpHeaderValidationUtil;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A header block as one array of names and values, in the order they go on the wire: what
 * Netty's HTTP/2 codec writes and reads, without the hash table of its {@code DefaultHttp2Headers},
 * which a client would fill once per request and response only to walk it once. Lookups walk
 * the array (a block has a few fields); names compare without regard to case, as Netty's do.
 *
 * <p>A request's block is built whole ({@link #of}); a response's is filled by HPACK
 * ({@link #received}), which hands each field to {@link #add}: there each name is checked as
 * RFC 9113 section 8.2.1 asks (a token, no uppercase, or a known pseudo-header), once per name
 * object ({@link CheckedNames}), and a bad one is an {@link IllegalArgumentException}, which
 * Netty's decoder turns into a stream error.
 *
 * <p>Only what the codec and this package call is implemented; the other getters answer as for
 * an empty block, and the other setters refuse. The iterator hands out itself as the entry:
 * read each before the next. One thread at a time (the connection's event loop, or the caller
 * building a request).
 */
final class H2Fields extends EmptyHeaders<CharSequence, CharSequence, Http2Headers> implements Http2Headers {

    /** HPACK's worst case per field beyond the name and value: a type byte and two length prefixes. */
    private static final int FIELD_OVERHEAD_BOUND = 16;

    private static final AsciiString STATUS = PseudoHeaderName.STATUS.value();

    private CharSequence[] fields;
    private int length;
    /** Where {@code :status} was added, asked of a response several times; -1 if unknown. */
    private int statusAt = -1;
    /** The names checked before, if this block's names are to be checked (a received block). */
    private final CheckedNames checked;

    private H2Fields(CharSequence[] fields, int length, CheckedNames checked) {
        this.fields = fields;
        this.length = length;
        this.checked = checked;
    }

    /** A block of the names and values in {@code fields[0, length)}, which it takes as its own. */
    static H2Fields of(CharSequence[] fields, int length) {
        return new H2Fields(fields, length, null);
    }

    /**
     * An empty block for HPACK to fill with about {@code expected} fields, whose names are checked
     * unless {@code checked} has them.
     */
    static H2Fields received(int expected, CheckedNames checked) {
        return new H2Fields(new CharSequence[Math.max(expected, 4) * 2], 0, checked);
    }

    /** Returns the name of field number {@code index}, in order. */
    CharSequence nameAt(int index) {
        return fields[index * 2];
    }

    /** Returns the value of field number {@code index}, in order. */
    CharSequence valueAt(int index) {
        return fields[index * 2 + 1];
    }

    /** Returns a block of the same fields, to be changed apart from this one. */
    H2Fields copy() {
        H2Fields copy = new H2Fields(Arrays.copyOf(fields, length), length, checked);
        copy.statusAt = statusAt;
        return copy;
    }

    /** Returns the names and values, in order, apart from this block. */
    CharSequence[] snapshot() {
        return Arrays.copyOf(fields, length);
    }

    /** Whether {@code snapshot} holds the very same name and value objects, in the same order. */
    boolean sameFieldsAs(CharSequence[] snapshot) {
        if (snapshot.length != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (fields[i] != snapshot[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Returns at least how many bytes HPACK may write for this block: the fields' texts, unless
     * Huffman codes them shorter, and at most {@value #FIELD_OVERHEAD_BOUND} bytes of framing each.
     */
    int encodedBound() {
        int bound = 0;
        for (int i = 0; i < length; i += 2) {
            bound += fields[i].length() + fields[i + 1].length() + FIELD_OVERHEAD_BOUND;
        }
        return bound;
    }

    @Override
    public Http2Headers add(CharSequence name, CharSequence value) {
        if (checked != null && !checked.contains(name)) {
            checkName(name);
            checked.add(name);
        }
        if (length == fields.length) {
            fields = Arrays.copyOf(fields, length * 2);
        }
        if (name.length() == STATUS.length() && STATUS.contentEquals(name)) {
            if (statusAt >= 0 && checked != null) {
                // RFC 9113 section 8.3: no pseudo-header twice; which status would be the answer?
                throw new IllegalArgumentException("duplicate pseudo-header ':status'");
            }
            statusAt = length;
        }
        fields[length++] = name;
        fields[length++] = value;
        return this;
    }

    private static void checkName(CharSequence name) {
        if (name.length() == 0) {
            throw new IllegalArgumentException("empty header name");
        }
        if (PseudoHeaderName.hasPseudoHeaderFormat(name)) {
            if (!PseudoHeaderName.isPseudoHeader(name)) {
                throw new IllegalArgumentException("unknown pseudo-header '" + name + "'");
            }
            return;
        }
        if (HttpHeaderValidationUtil.validateToken(name) != -1) {
            throw new IllegalArgumentException("invalid header name [" + name + "]");
        }
        for (int i = 0; i < name.length(); i++) {
            if (AsciiString.isUpperCase(name.charAt(i))) {
                throw new IllegalArgumentException("uppercase header name [" + name + "]");
            }
        }
    }

    @Override
    public CharSequence get(CharSequence name) {
        int at = indexOf(name, 0);
        return at < 0 ? null : fields[at + 1];
    }

    @Override
    public CharSequence get(CharSequence name, CharSequence defaultValue) {
        CharSequence value = get(name);
        return value != null ? value : defaultValue;
    }

    @Override
    public List<CharSequence> getAll(CharSequence name) {
        List<CharSequence> values = new ArrayList<>(1);
        for (int at = indexOf(name, 0); at >= 0; at = indexOf(name, at + 2)) {
            values.add(fields[at + 1]);
        }
        return values;
    }

    @Override
    public Iterator<CharSequence> valueIterator(CharSequence name) {
        return getAll(name).iterator();
    }

    @Override
    public boolean contains(CharSequence name) {
        return indexOf(name, 0) >= 0;
    }

    @Override
    public boolean contains(CharSequence name, CharSequence value) {
        return contains(name, value, false);
    }

    @Override
    public boolean contains(CharSequence name, CharSequence value, boolean caseInsensitive) {
        for (int at = indexOf(name, 0); at >= 0; at = indexOf(name, at + 2)) {
            CharSequence found = fields[at + 1];
            if (caseInsensitive
                    ? AsciiString.contentEqualsIgnoreCase(found, value)
                    : AsciiString.contentEquals(found, value)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int size() {
        return length / 2;
    }

    @Override
    public boolean isEmpty() {
        return length == 0;
    }

    @Override
    public Set<CharSequence> names() {
        Set<CharSequence> names = new LinkedHashSet<>();
        for (int i = 0; i < length; i += 2) {
            names.add(fields[i]);
        }
        return names;
    }

    /** Replaces the values of {@code name} with {@code value}, where the first one was. */
    @Override
    public Http2Headers set(CharSequence name, CharSequence value) {
        int at = indexOf(name, 0);
        if (at < 0) {
            return add(name, value);
        }
        fields[at + 1] = value;
        removeFrom(name, at + 2);
        return this;
    }

    /** As {@link #set}, keeping the text there if it is that number already (Netty's decoder asks). */
    @Override
    public Http2Headers setLong(CharSequence name, long value) {
        int at = indexOf(name, 0);
        if (at >= 0 && isDecimal(fields[at + 1], value)) {
            removeFrom(name, at + 2);
            return this;
        }
        return set(name, AsciiString.of(Long.toString(value)));
    }

    @Override
    public boolean remove(CharSequence name) {
        int before = length;
        removeFrom(name, 0);
        return length != before;
    }

    private void removeFrom(CharSequence name, int from) {
        statusAt = -1; // Fields may move.
        int kept = from;
        for (int i = from; i < length; i += 2) {
            if (!AsciiString.contentEqualsIgnoreCase(fields[i], name)) {
                fields[kept++] = fields[i];
                fields[kept++] = fields[i + 1];
            }
        }
        Arrays.fill(fields, kept, length, null);
        length = kept;
    }

    private int indexOf(CharSequence name, int from) {
        // Two AsciiStrings of different case-insensitive hashes (kept in each) differ: most
        // fields are passed over without comparing a character.
        boolean ascii = name instanceof AsciiString;
        int hash = ascii ? name.hashCode() : 0;
        for (int i = from; i < length; i += 2) {
            CharSequence field = fields[i];
            if (field == name
                    || (!ascii || !(field instanceof AsciiString) || field.hashCode() == hash)
                            && AsciiString.contentEqualsIgnoreCase(field, name)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isDecimal(CharSequence text, long value) {
        if (value < 0 || text.length() == 0 || text.length() > 19 || text.length() > 1 && text.charAt(0) == '0') {
            return false;
        }
        long parsed = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            parsed = parsed * 10 + (c - '0');
        }
        return parsed == value;
    }

    @Override
    public Iterator<Map.Entry<CharSequence, CharSequence>> iterator() {
        return new Fields();
    }

    @Override
    public Http2Headers method(CharSequence value) {
        return set(PseudoHeaderName.METHOD.value(), value);
    }

    @Override
    public Http2Headers scheme(CharSequence value) {
        return set(PseudoHeaderName.SCHEME.value(), value);
    }

    @Override
    public Http2Headers authority(CharSequence value) {
        return set(PseudoHeaderName.AUTHORITY.value(), value);
    }

    @Override
    public Http2Headers path(CharSequence value) {
        return set(PseudoHeaderName.PATH.value(), value);
    }

    @Override
    public Http2Headers status(CharSequence value) {
        return set(PseudoHeaderName.STATUS.value(), value);
    }

    @Override
    public CharSequence method() {
        return get(PseudoHeaderName.METHOD.value());
    }

    @Override
    public CharSequence scheme() {
        return get(PseudoHeaderName.SCHEME.value());
    }

    @Override
    public CharSequence authority() {
        return get(PseudoHeaderName.AUTHORITY.value());
    }

    @Override
    public CharSequence path() {
        return get(PseudoHeaderName.PATH.value());
    }

    @Override
    public CharSequence status() {
        return statusAt >= 0 ? fields[statusAt + 1] : get(STATUS);
    }

    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("H2Fields[");
        for (int i = 0; i < length; i += 2) {
            text.append(i == 0 ? "" : ", ").append(fields[i]).append(": ").append(fields[i + 1]);
        }
        return text.append(']').toString();
    }

    /**
     * The last names a connection checked, the objects themselves: HPACK hands back the same
     * name object each time a field comes from its tables, so a repeated name is checked once.
     * One per connection, on its event loop.
     */
    static final class CheckedNames {
        private static final int SLOTS = 32;

        private final CharSequence[] names = new CharSequence[SLOTS];

        boolean contains(CharSequence name) {
            return names[name.hashCode() & (SLOTS - 1)] == name;
        }

        void add(CharSequence name) {
            names[name.hashCode() & (SLOTS - 1)] = name;
        }
    }

    /** The fields in order; each {@link #next()} is the entry, until the next call. */
    private final class Fields
            implements Iterator<Map.Entry<CharSequence, CharSequence>>, Map.Entry<CharSequence, CharSequence> {
        private int next;
        private CharSequence name;
        private CharSequence value;

        @Override
        public boolean hasNext() {
            return next < length;
        }

        @Override
        public Map.Entry<CharSequence, CharSequence> next() {
            if (next >= length) {
                throw new NoSuchElementException();
            }
            name = fields[next];
            value = fields[next + 1];
            next += 2;
            return this;
        }

        @Override
        public CharSequence getKey() {
            return name;
        }

        @Override
        public CharSequence getValue() {
            return value;
        }

        @Override
        public CharSequence setValue(CharSequence replacement) {
            throw new UnsupportedOperationException("read only");
        }
    }
}
