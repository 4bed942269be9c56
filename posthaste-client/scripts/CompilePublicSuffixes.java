import java.io.IOException;
import java.net.IDN;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Compiles a {@code public_suffix_list.dat} into the resource {@code PublicSuffixes} reads; run by
 * {@code update-public-suffixes.sh}: {@code java CompilePublicSuffixes.java IN OUT SOURCE}.
 *
 * <p>The resource keeps the rules of both sections (ICANN and private) and nothing else: comments
 * and blank lines go, each rule is cut at its first whitespace as the list's format says, IDN
 * labels become punycode with {@link IDN#toASCII} (the conversion the client applies to request
 * hosts, so both sides agree), and the rules are sorted by byte, one a line, for bisection. A
 * few header lines starting with {@code //} name the source, its digest and the licence.
 *
 * <p>Fails, writing nothing, on a rule the matcher cannot honour: a wildcard other than a whole
 * leftmost label, an exception of one label, or a label IDN cannot convert.
 */
public final class CompilePublicSuffixes {

    private static final int ICANN = 0;
    private static final int PRIVATE = 1;

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: java CompilePublicSuffixes.java LIST.dat OUT.txt SOURCE-LABEL");
            System.exit(2);
        }
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        byte[] raw = Files.readAllBytes(in);
        List<String> lines = strictUtf8(raw, in).lines().toList();

        TreeSet<String> rules = new TreeSet<>();
        int[] counts = new int[2];
        int section = -1;
        String version = null;
        String commit = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith("//")) {
                section = line.contains("===BEGIN ICANN DOMAINS===") ? ICANN
                        : line.contains("===BEGIN PRIVATE DOMAINS===") ? PRIVATE
                        : line.contains("===END ") ? -1 : section;
                version = line.startsWith("// VERSION:") ? line.substring(11).strip() : version;
                commit = line.startsWith("// COMMIT:") ? line.substring(10).strip() : commit;
                continue;
            }
            String rule = line.split("\\s", 2)[0];
            if (rule.isEmpty()) {
                continue;
            }
            if (section < 0) {
                throw fail(in, i, rule, "a rule outside the ICANN and PRIVATE sections");
            }
            if (rules.add(compile(rule, in, i))) {
                counts[section]++;
            }
        }
        if (counts[ICANN] == 0 || counts[PRIVATE] == 0) {
            throw new IllegalArgumentException(in + ": no ICANN or no PRIVATE section; is it the list?");
        }

        StringBuilder text = new StringBuilder(raw.length / 2);
        text.append("// The Public Suffix List for io.posthaste.internal.cookie.PublicSuffixes; regenerate it with\n")
                .append("// posthaste-client/scripts/update-public-suffixes.sh, never by hand.\n")
                .append("// Source: ").append(args[2])
                .append(version != null ? ", version " + version : "")
                .append(commit != null ? ", commit " + commit : "")
                .append(", sha256 ").append(sha256(raw)).append('\n')
                .append("// From https://publicsuffix.org/list/ under the Mozilla Public License 2.0,"
                        + " https://mozilla.org/MPL/2.0/\n")
                .append("// ").append(counts[ICANN]).append(" ICANN and ").append(counts[PRIVATE])
                .append(" private rules; IDN labels in punycode (java.net.IDN); sorted by byte.\n");
        for (String rule : rules) {
            text.append(rule).append('\n');
        }
        Path temporary = out.resolveSibling(out.getFileName() + ".tmp");
        Files.writeString(temporary, text, StandardCharsets.US_ASCII);
        Files.move(temporary, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println(out + ": " + counts[ICANN] + " ICANN and " + counts[PRIVATE]
                + " private rules from " + args[2]);
    }

    /** Returns the rule as the resource keeps it: {@code !} or {@code *.} kept, the name in ASCII. */
    private static String compile(String rule, Path in, int line) {
        boolean exception = rule.startsWith("!");
        String name = exception ? rule.substring(1) : rule;
        boolean wildcard = name.startsWith("*.");
        String rest = wildcard ? name.substring(2) : name;
        if (rest.indexOf('*') >= 0 || rest.indexOf('!') >= 0) {
            throw fail(in, line, rule, "a wildcard that is not the whole leftmost label");
        }
        if (exception && (wildcard || rest.indexOf('.') < 0)) {
            throw fail(in, line, rule, "an exception that does not name a host of two labels or more");
        }
        if (rest.isEmpty() || rest.startsWith(".") || rest.endsWith(".")) {
            throw fail(in, line, rule, "an empty label");
        }
        if (rest.chars().anyMatch(c -> c == 'ß' || c == 'ς' || c == '\u200c' || c == '\u200d')) {
            // IDNA 2003 (java.net.IDN) maps these where IDNA 2008 keeps them, so a host written
            // in IDNA 2008 punycode would not meet this rule: say so rather than guess.
            System.err.println("warning: " + in + ":" + (line + 1) + ": " + rule
                    + " has a character IDNA 2003 and 2008 convert differently");
        }
        String ascii;
        try {
            ascii = IDN.toASCII(rest, IDN.ALLOW_UNASSIGNED | IDN.USE_STD3_ASCII_RULES);
        } catch (IllegalArgumentException e) {
            throw fail(in, line, rule, "a name IDN cannot convert (" + e.getMessage() + ")");
        }
        return (exception ? "!" : "") + (wildcard ? "*." : "") + ascii.toLowerCase(Locale.ROOT);
    }

    private static String strictUtf8(byte[] raw, Path in) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(in + " is not UTF-8", e);
        }
    }

    private static String sha256(byte[] raw) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static IllegalArgumentException fail(Path in, int line, String rule, String what) {
        return new IllegalArgumentException(in + ":" + (line + 1) + ": " + rule + " is " + what
                + ", which PublicSuffixes cannot match; extend it before taking this list");
    }
}
