package io.posthaste.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.HttpHeaderValidationUtil;
import io.posthaste.ClientSession;
import io.posthaste.Headers;
import io.posthaste.InvalidRequestException;
import io.posthaste.Request;
import io.posthaste.internal.semantics.HeaderRules;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Header validation: {@link HeaderRules}, the {@link Headers} builder and
 * {@code RequestBuilder.header}, against a grammar written here from RFC 9110 §5.1, §5.5 and
 * §5.6.2, and against Netty's own validation.
 */
@ExtendWith(BufferLeakCheck.class)
class HeaderProperties {

    /** RFC 9110 §5.6.2 tchar, besides DIGIT and ALPHA. */
    private static final String TCHAR_SYMBOLS = "!#$%&'*+-.^_`|~";

    private static ClientSession session;

    @BeforeAll
    static void start() {
        session = ClientSession.create();
    }

    @AfterAll
    static void stop() {
        session.close();
    }

    /**
     * Proves that a name is accepted exactly when it is an RFC 9110 token, by all three entry
     * points alike, that the only failure is {@link InvalidRequestException}, and that Netty's
     * token validation agrees.
     */
    @Test
    void aNameIsAcceptedExactlyWhenItIsAToken() {
        Fuzz.check("aNameIsAcceptedExactlyWhenItIsAToken", 8000, names(), HeaderProperties::assertNameAcceptedIffToken);
    }

    private static void assertNameAcceptedIffToken(String name) {
        boolean token = isToken(name);
        assertThat(HttpHeaderValidationUtil.validateToken(name) == -1 && !name.isEmpty())
                .as("Netty agrees with the RFC grammar on '%s'", name)
                .isEqualTo(token);
        assertThat(accepts(() -> HeaderRules.checkName(name))).isEqualTo(token);
        assertThat(accepts(() -> Headers.builder().add(name, "v"))).isEqualTo(token);
        assertThat(accepts(
                        () -> session.get("http://127.0.0.1/").header(name, "v").build()))
                .isEqualTo(token);
    }

    /**
     * Proves that a value is accepted exactly when every character may appear in a field value
     * (field-vchar, obs-text, SP, HTAB): anything with CR, LF, NUL, another control character or
     * a character beyond Latin-1 is refused with {@link InvalidRequestException}; and that an
     * accepted value reaches the built request unchanged.
     */
    @Test
    void aValueIsAcceptedExactlyWhenItHasOnlyFieldCharacters() {
        Fuzz.check(
                "aValueIsAcceptedExactlyWhenItHasOnlyFieldCharacters",
                8000,
                values(),
                HeaderProperties::assertValueAcceptedIffFieldCharacters);
    }

    private static void assertValueAcceptedIffFieldCharacters(String value) {
        boolean allowed = value.chars().allMatch(c -> c == '\t' || c >= 0x20 && c <= 0x7e || c >= 0x80 && c <= 0xff);
        assertThat(accepts(() -> HeaderRules.checkValue("X-Test", value))).isEqualTo(allowed);
        assertThat(accepts(() -> Headers.of("X-Test", value))).isEqualTo(allowed);
        if (allowed) {
            Request request =
                    session.get("http://127.0.0.1/").header("X-Test", value).build();
            assertThat(request.headers().allValues("X-Test")).containsExactly(value);
        } else {
            assertThatThrownBy(() -> session.get("http://127.0.0.1/")
                            .header("X-Test", value)
                            .build())
                    .isInstanceOf(InvalidRequestException.class);
        }
    }

    /**
     * Proves that every value of RFC 9110's field-value grammar (field-vchar and obs-text, with
     * SP and HTAB only between them) is accepted, and that Netty's value validation agrees.
     */
    @Test
    void everyRfc9110FieldValueIsAccepted() {
        Fuzz.check("everyRfc9110FieldValueIsAccepted", 5000, fieldValues(), value -> {
            assertThat(HttpHeaderValidationUtil.validateValidHeaderValue(value)).isEqualTo(-1);
            assertThat(accepts(() -> Headers.of("X-Test", value))).isTrue();
        });
    }

    /** Proves that CR, LF or NUL anywhere in a name or a value is refused (no header injection). */
    @Test
    void lineBreaksAndNulAreRefusedAnywhere() {
        Gen<String> names = tokens();
        Gen<String> values = fieldValues();
        Gen<String> breakers = Gen.of("\r", "\n", "\0", "\r\n", "\r\n ", "\n\r");
        Gen<Integer> positions = Gen.anyInt();
        Gen<Injection> injections =
                r -> new Injection(names.next(r), values.next(r), breakers.next(r), positions.next(r));
        Fuzz.check(
                "lineBreaksAndNulAreRefusedAnywhere",
                5000,
                injections,
                i -> assertInjectionRefused(i.name(), i.value(), i.breaker(), i.position()));
    }

    /** One input of {@link #lineBreaksAndNulAreRefusedAnywhere}: {@code breaker} goes at {@code position}. */
    record Injection(String name, String value, String breaker, int position) {}

    private static void assertInjectionRefused(String name, String value, String breaker, int position) {
        assertThatThrownBy(() -> Headers.of(Fragments.insertAt(name, breaker, position), value))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> Headers.of(name, Fragments.insertAt(value, breaker, position)))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> session.get("http://127.0.0.1/")
                        .header(name, Fragments.insertAt(value, breaker, position))
                        .build())
                .isInstanceOf(InvalidRequestException.class);
    }

    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean tchar = c >= '0' && c <= '9'
                    || c >= 'a' && c <= 'z'
                    || c >= 'A' && c <= 'Z'
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

    private static Gen<String> tchar() {
        return Gen.of(
                TCHAR_SYMBOLS.chars().mapToObj(c -> String.valueOf((char) c)).toList());
    }

    private static Gen<String> tokens() {
        return Fragments.joined(Gen.oneOf(Fragments.alphanumeric(), tchar()), 1, 30);
    }

    private static Gen<String> names() {
        Gen<String> piece = Gen.frequency(
                Gen.weight(12, Fragments.alphanumeric()),
                Gen.weight(3, tchar()),
                Gen.weight(
                        1,
                        Gen.of(
                                "(", ")", ",", "/", ":", ";", "<", "=", ">", "?", "@", "[", "\\", "]", "{", "}", "\"",
                                " ", "\t")),
                Gen.weight(1, Gen.of(Fragments.CONTROLS)),
                Gen.weight(1, Gen.of(Fragments.NON_ASCII)));
        return Gen.frequency(
                Gen.weight(30, Fragments.joined(piece, 0, 24)),
                Gen.weight(1, Gen.ints(1000, 9000).map("X-Long-"::repeat)));
    }

    private static Gen<String> values() {
        return Gen.oneOf(
                Fragments.anyText(20),
                Fragments.joined(
                        Gen.oneOf(
                                Fragments.printableAscii(),
                                Fragments.latin1High(),
                                Gen.of(" ", "\t", "\u0100", "\u0000", "\r\n")),
                        0,
                        30));
    }

    /** Returns RFC 9110 field values: empty, one field-vchar, or field-vchars around SP/HTAB and field-vchars. */
    private static Gen<String> fieldValues() {
        Gen<String> vchar = Gen.oneOf(Fragments.printableAscii(), Fragments.latin1High());
        Gen<String> inner = Fragments.joined(Gen.oneOf(vchar, Gen.of(" ", "\t")), 0, 40);
        Gen<String> framed = r -> vchar.next(r) + inner.next(r) + vchar.next(r);
        return Gen.frequency(Gen.weight(1, Gen.constant("")), Gen.weight(8, framed), Gen.weight(2, vchar));
    }
}
