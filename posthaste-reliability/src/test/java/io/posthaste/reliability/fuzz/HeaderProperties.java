package io.posthaste.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.HttpHeaderValidationUtil;
import io.posthaste.ClientSession;
import io.posthaste.Headers;
import io.posthaste.InvalidRequestException;
import io.posthaste.Request;
import io.posthaste.internal.codec.HeaderRules;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Header validation: {@link HeaderRules}, the {@link Headers} builder and
 * {@code RequestBuilder.header}, against a grammar written here from RFC 9110 §5.1, §5.5 and
 * §5.6.2, and against Netty's own validation.
 */
@AddLifecycleHook(FuzzBudget.class)
@AddLifecycleHook(BufferLeakCheck.class)
class HeaderProperties {

    /** RFC 9110 §5.6.2 tchar, besides DIGIT and ALPHA. */
    private static final String TCHAR_SYMBOLS = "!#$%&'*+-.^_`|~";

    private static ClientSession session;

    @BeforeContainer
    static void start() {
        session = ClientSession.create();
    }

    @AfterContainer
    static void stop() {
        session.close();
    }

    /**
     * Proves that a name is accepted exactly when it is an RFC 9110 token, by all three entry
     * points alike, that the only failure is {@link InvalidRequestException}, and that Netty's
     * token validation agrees.
     */
    @Property(tries = 8000)
    void aNameIsAcceptedExactlyWhenItIsAToken(@ForAll("names") String name) {
        boolean token = isToken(name);
        assertThat(HttpHeaderValidationUtil.validateToken(name) == -1 && !name.isEmpty())
                .as("Netty agrees with the RFC grammar on '%s'", name).isEqualTo(token);
        assertThat(accepts(() -> HeaderRules.checkName(name))).isEqualTo(token);
        assertThat(accepts(() -> Headers.builder().add(name, "v"))).isEqualTo(token);
        assertThat(accepts(() -> session.get("http://127.0.0.1/").header(name, "v").build())).isEqualTo(token);
    }

    /**
     * Proves that a value is accepted exactly when every character may appear in a field value
     * (field-vchar, obs-text, SP, HTAB): anything with CR, LF, NUL, another control character or
     * a character beyond Latin-1 is refused with {@link InvalidRequestException}; and that an
     * accepted value reaches the built request unchanged.
     */
    @Property(tries = 8000)
    void aValueIsAcceptedExactlyWhenItHasOnlyFieldCharacters(@ForAll("values") String value) {
        boolean allowed = value.chars().allMatch(c -> c == '\t' || c >= 0x20 && c <= 0x7e || c >= 0x80 && c <= 0xff);
        assertThat(accepts(() -> HeaderRules.checkValue("X-Test", value))).isEqualTo(allowed);
        assertThat(accepts(() -> Headers.of("X-Test", value))).isEqualTo(allowed);
        if (allowed) {
            Request request = session.get("http://127.0.0.1/").header("X-Test", value).build();
            assertThat(request.headers().allValues("X-Test")).containsExactly(value);
        } else {
            assertThatThrownBy(() -> session.get("http://127.0.0.1/").header("X-Test", value).build())
                    .isInstanceOf(InvalidRequestException.class);
        }
    }

    /**
     * Proves that every value of RFC 9110's field-value grammar (field-vchar and obs-text, with
     * SP and HTAB only between them) is accepted, and that Netty's value validation agrees.
     */
    @Property(tries = 5000)
    void everyRfc9110FieldValueIsAccepted(@ForAll("fieldValues") String value) {
        assertThat(HttpHeaderValidationUtil.validateValidHeaderValue(value)).isEqualTo(-1);
        assertThat(accepts(() -> Headers.of("X-Test", value))).isTrue();
    }

    /** Proves that CR, LF or NUL anywhere in a name or a value is refused (no header injection). */
    @Property(tries = 5000)
    void lineBreaksAndNulAreRefusedAnywhere(@ForAll("tokens") String name, @ForAll("fieldValues") String value,
            @ForAll("breakers") String breaker, @ForAll int position) {
        assertThatThrownBy(() -> Headers.of(Fragments.insertAt(name, breaker, position), value))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> Headers.of(name, Fragments.insertAt(value, breaker, position)))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> session.get("http://127.0.0.1/")
                .header(name, Fragments.insertAt(value, breaker, position)).build())
                .isInstanceOf(InvalidRequestException.class);
    }

    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean tchar = c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
                    || TCHAR_SYMBOLS.indexOf(c) >= 0;
            if (!tchar) {
                return false;
            }
        }
        return true;
    }

    /** Returns true if {@code action} passes, false if it throws InvalidRequestException; anything else escapes. */
    private static boolean accepts(Runnable action) {
        try {
            action.run();
            return true;
        } catch (InvalidRequestException refused) {
            return false;
        }
    }

    @Provide
    Arbitrary<String> tokens() {
        return Fragments.joined(Arbitraries.oneOf(Fragments.alphanumeric(),
                Arbitraries.of(TCHAR_SYMBOLS.chars().mapToObj(c -> String.valueOf((char) c)).toList())), 1, 30);
    }

    @Provide
    Arbitrary<String> names() {
        Arbitrary<String> piece = Arbitraries.frequencyOf(
                Tuple.of(12, Fragments.alphanumeric()),
                Tuple.of(3, Arbitraries.of(TCHAR_SYMBOLS.chars().mapToObj(c -> String.valueOf((char) c)).toList())),
                Tuple.of(1, Arbitraries.of("(", ")", ",", "/", ":", ";", "<", "=", ">", "?", "@", "[", "\\",
                        "]", "{", "}", "\"", " ", "\t")),
                Tuple.of(1, Arbitraries.of(Fragments.CONTROLS)),
                Tuple.of(1, Arbitraries.of(Fragments.NON_ASCII)));
        return Arbitraries.frequencyOf(Tuple.of(30, Fragments.joined(piece, 0, 24)),
                Tuple.of(1, Arbitraries.integers().between(1000, 9000).map("X-Long-"::repeat)));
    }

    @Provide
    Arbitrary<String> values() {
        Arbitrary<String> latin1 = Arbitraries.chars().range('\u0080', '\u00ff').map(String::valueOf);
        return Arbitraries.oneOf(Fragments.anyText(20),
                Fragments.joined(Arbitraries.oneOf(Fragments.printableAscii(), latin1,
                        Arbitraries.of(" ", "\t", "\u0100", "\u0000", "\r\n")), 0, 30));
    }

    @Provide
    Arbitrary<String> fieldValues() {
        Arbitrary<String> vchar = Arbitraries.oneOf(Fragments.printableAscii(),
                Arbitraries.chars().range('\u0080', '\u00ff').map(String::valueOf));
        Arbitrary<String> inner = Fragments.joined(Arbitraries.oneOf(vchar, Arbitraries.of(" ", "\t")), 0, 40);
        return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just("")),
                Tuple.of(8, Combinators.combine(vchar, inner, vchar).as((a, b, c) -> a + b + c)),
                Tuple.of(2, vchar));
    }

    @Provide
    Arbitrary<String> breakers() {
        return Arbitraries.of("\r", "\n", "\0", "\r\n", "\r\n ", "\n\r");
    }
}
