package io.posthaste.internal.cookie;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * The <a href="https://publicsuffix.org/list/">Public Suffix List</a>: the names under which anyone
 * may register a site ({@code com}, {@code co.il}, {@code github.io}), so that no cookie may be
 * shared across everything below them. Both sections of the list count, ICANN and private, as in
 * browsers and OkHttp: {@code github.io} separates its users' sites as {@code co.il} separates
 * companies.
 *
 * <p>Matching follows <a href="https://github.com/publicsuffix/list/wiki/Format">the list's
 * algorithm</a>: of the rules that match a name, an exception ({@code !www.ck}) prevails and gives
 * the suffix one label shorter than itself; otherwise the rule of most labels does, a wildcard
 * ({@code *.ck}, only ever the leftmost label) matching any one label; and a name no rule matches
 * falls under the default rule {@code *}, so its last label is the suffix. Names are compared in
 * ASCII, as {@link #canonicalize} gives them.
 *
 * <p>The bundled list is {@code public-suffixes.txt} beside this class, compiled from the list's
 * {@code .dat} by {@code scripts/update-public-suffixes.sh}; its header names the list's version.
 * It is read on the first {@link #bundled()}, once, into one byte array of sorted lines (about
 * 117 KB, no object per rule) that lookups bisect, as OkHttp does.
 *
 * <p>Immutable and thread-safe.
 */
public final class PublicSuffixes {

    private static final String RESOURCE = "public-suffixes.txt";

    /**
     * Holds the bundled list: the JVM reads it on first use, once, and publishes it safely. A
     * list that cannot be read (a packaging that dropped the resource) is kept as the failure, so
     * each use throws an ordinary exception rather than the JVM's initialisation error.
     */
    private static final class Bundled {
        static final PublicSuffixes LIST;
        static final RuntimeException FAILURE;

        static {
            PublicSuffixes list = null;
            RuntimeException failure = null;
            try (InputStream in = PublicSuffixes.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is missing from the class path");
                }
                list = parse(in.readAllBytes());
            } catch (IOException e) {
                failure = new UncheckedIOException(e);
            } catch (RuntimeException e) {
                failure = e;
            }
            LIST = list;
            FAILURE = failure;
        }
    }

    /** The rules, each followed by {@code '\n'}, sorted by unsigned byte: {@code !} and {@code *.} kept. */
    private final byte[] rules;

    private final int ruleCount;
    /** The most labels of any rule: no name needs to be looked up further left than this. */
    private final int maxLabels;

    private PublicSuffixes(byte[] rules, int ruleCount, int maxLabels) {
        this.rules = rules;
        this.ruleCount = ruleCount;
        this.maxLabels = maxLabels;
    }

    /**
     * Returns the bundled list, reading it on the first call.
     *
     * @throws IllegalStateException if the bundled list cannot be read
     */
    public static PublicSuffixes bundled() {
        if (Bundled.FAILURE != null) {
            throw new IllegalStateException("cannot read the bundled public suffix list " + RESOURCE, Bundled.FAILURE);
        }
        return Bundled.LIST;
    }

    /**
     * Returns a list read from the resource format: header lines starting with {@code //}, then
     * one ASCII rule a line, sorted by byte.
     *
     * @throws IllegalStateException if a line is empty, or a rule out of order or one the matcher
     *     would misread: not printable ASCII, a wildcard not the whole leftmost label, an exception
     *     of one label
     */
    static PublicSuffixes parse(byte[] resource) {
        int start = 0;
        while (start < resource.length && resource[start] == '/') {
            start = endOfLine(resource, start) + 1;
        }
        byte[] rules = Arrays.copyOfRange(resource, start, resource.length);
        if (rules.length > 0 && rules[rules.length - 1] != '\n') {
            rules = Arrays.copyOf(rules, rules.length + 1);
            rules[rules.length - 1] = '\n';
        }
        int count = 0;
        int maxLabels = 1;
        for (int line = 0, previous = -1; line < rules.length; count++) {
            int end = endOfLine(rules, line);
            maxLabels = Math.max(maxLabels, checkedLabels(rules, line, end, previous));
            previous = line;
            line = end + 1;
        }
        return new PublicSuffixes(rules, count, maxLabels);
    }

    /**
     * Returns how many labels the rule in {@code rules[line, end)} has, after checking that it
     * follows the rule before it (at {@code previous}, or none if negative) and is one the matcher
     * reads right: printable ASCII, a wildcard only as the whole leftmost label and an exception
     * only of two labels or more (the limits the list itself keeps).
     */
    private static int checkedLabels(byte[] rules, int line, int end, int previous) {
        int labels = 1;
        boolean matchable = end > line;
        for (int i = line; i < end; i++) {
            byte b = rules[i];
            labels += b == '.' ? 1 : 0;
            matchable &= b > ' '
                    && b <= '~'
                    && (b != '!' || i == line)
                    && (b != '*' || i == line && i + 1 < end && rules[i + 1] == '.');
        }
        matchable &= end == line || rules[line] != '!' || labels >= 2;
        boolean ordered = previous < 0 || Arrays.compareUnsigned(rules, previous, line - 1, rules, line, end) < 0;
        if (!matchable || !ordered) {
            String rule = new String(rules, line, end - line, StandardCharsets.ISO_8859_1);
            throw new IllegalStateException(
                    end == line
                            ? "an empty line among the rules"
                            : "rule '" + rule + "' " + (ordered ? "cannot be matched" : "is out of order"));
        }
        return labels;
    }

    /**
     * Returns {@code name} as this list compares it (the canonical host name of RFC 6265 §5.1.2):
     * labels in Unicode converted to punycode by {@link IDN#toASCII} (the conversion the list's
     * rules went through), capitals lowered, one trailing dot (the root) dropped; or {@code null}
     * when {@code name} is no domain name: empty, with an empty label, or not convertible.
     */
    public static String canonicalize(String name) {
        String ascii = name;
        if (!isAscii(name)) {
            try {
                ascii = IDN.toASCII(name, IDN.ALLOW_UNASSIGNED);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        ascii = ascii.toLowerCase(Locale.ROOT);
        if (ascii.endsWith(".")) {
            ascii = ascii.substring(0, ascii.length() - 1);
        }
        boolean emptyLabel = ascii.isEmpty() || ascii.startsWith(".") || ascii.endsWith(".") || ascii.contains("..");
        return emptyLabel ? null : ascii;
    }

    /**
     * Returns the public suffix of {@code name}, canonical: {@code co.il} for
     * {@code www.example.co.il} and for {@code co.il} itself, {@code ck} for {@code www.ck}, the
     * last label for a name no rule matches; {@code null} when {@code name} is no domain name (see
     * {@link #canonicalize}).
     */
    public String publicSuffix(String name) {
        String canonical = canonicalize(name);
        if (canonical == null) {
            return null;
        }
        // labelStarts[k] is where the name's last k labels begin (each search skips the dot in
        // front of the label before); no rule is longer than maxLabels, so no name needs more.
        int labels = 1;
        for (int i = 0; i < canonical.length(); i++) {
            labels += canonical.charAt(i) == '.' ? 1 : 0;
        }
        int depth = Math.min(labels, maxLabels);
        int[] labelStarts = new int[depth + 1];
        labelStarts[0] = canonical.length();
        for (int k = 1; k <= depth; k++) {
            labelStarts[k] = canonical.lastIndexOf('.', labelStarts[k - 1] - 2) + 1;
        }
        int longest = 1;
        int exception = 0;
        for (int k = 1; k <= depth; k++) {
            String suffix = canonical.substring(labelStarts[k]);
            if (contains("!" + suffix)) {
                exception = k;
            }
            if (contains(suffix) || k > 1 && contains("*." + canonical.substring(labelStarts[k - 1]))) {
                longest = k;
            }
        }
        return canonical.substring(labelStarts[exception > 0 ? exception - 1 : longest]);
    }

    /**
     * Returns whether {@code name} is itself a public suffix, such as {@code com}, {@code co.il}
     * or {@code foo.ck}; {@code false} when it is no domain name.
     */
    public boolean isPublicSuffix(String name) {
        String canonical = canonicalize(name);
        return canonical != null && publicSuffix(canonical).length() == canonical.length();
    }

    /** Returns how many rules the list holds. */
    int ruleCount() {
        return ruleCount;
    }

    /** Bisects the sorted lines for {@code rule}: a probe backs up to the start of its line. */
    private boolean contains(String rule) {
        byte[] key = rule.getBytes(StandardCharsets.US_ASCII);
        int low = 0;
        int high = rules.length;
        while (low < high) {
            int line = (low + high) >>> 1;
            while (line > low && rules[line - 1] != '\n') {
                line--;
            }
            int end = endOfLine(rules, line);
            int order = Arrays.compareUnsigned(key, 0, key.length, rules, line, end);
            if (order == 0) {
                return true;
            } else if (order < 0) {
                high = line;
            } else {
                low = end + 1;
            }
        }
        return false;
    }

    private static boolean isAscii(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static int endOfLine(byte[] bytes, int from) {
        int end = from;
        while (end < bytes.length && bytes[end] != '\n') {
            end++;
        }
        return end;
    }
}
