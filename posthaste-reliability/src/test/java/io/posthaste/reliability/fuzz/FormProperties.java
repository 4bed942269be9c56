package io.posthaste.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.posthaste.ClientSession;
import io.posthaste.FormBody;
import io.posthaste.Request;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * {@code application/x-www-form-urlencoded} bodies ({@link FormBody}) and query parameters
 * ({@code RequestBuilder.query}), decoded by the JDK's {@link URLDecoder} and Netty's
 * {@link QueryStringDecoder}, neither of which shares code with the client's encoder.
 */
@AddLifecycleHook(FuzzBudget.class)
@AddLifecycleHook(BufferLeakCheck.class)
class FormProperties {

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
     * Proves that any fields (any valid Unicode, reserved characters, empty names and values,
     * repeated names) encode to printable ASCII of the form grammar only, with an exact
     * {@code contentLength()}, and decode back with {@link URLDecoder} to the same fields in the
     * same order, and with Netty's decoder to the same values per name.
     */
    @Property(tries = 5000)
    void formFieldsRoundTripInOrder(@ForAll("fields") List<Map.Entry<String, String>> fields) {
        FormBody.Builder builder = FormBody.builder();
        fields.forEach(field -> builder.add(field.getKey(), field.getValue()));
        FormBody body = builder.build();
        byte[] bytes = bytesOf(body);
        assertThat(body.contentLength()).isEqualTo(bytes.length);
        String encoded = new String(bytes, StandardCharsets.US_ASCII);
        assertThat(encoded.chars()).allMatch(c -> Character.isLetterOrDigit(c) && c < 0x80 || "-._~%+&=".indexOf(c) >= 0);
        assertThat(decodeInOrder(encoded, StandardCharsets.UTF_8)).isEqualTo(fields);
        if (fields.stream().noneMatch(f -> f.getKey().isEmpty())) {
            // Netty reads "=v" as a field named "v", so forms with an empty name are left to URLDecoder.
            assertThat(nettyGrouped(encoded)).isEqualTo(grouped(fields));
        }
    }

    /** Proves the same round trip for a Latin-1 form (text restricted to Latin-1, as it must be). */
    @Property(tries = 800)
    void latin1FormFieldsRoundTrip(@ForAll("latin1Fields") List<Map.Entry<String, String>> fields) {
        FormBody.Builder builder = FormBody.builder().charset(StandardCharsets.ISO_8859_1);
        fields.forEach(field -> builder.add(field.getKey(), field.getValue()));
        FormBody body = builder.build();
        assertThat(body.contentType().charset()).contains(StandardCharsets.ISO_8859_1);
        String encoded = new String(bytesOf(body), StandardCharsets.US_ASCII);
        assertThat(decodeInOrder(encoded, StandardCharsets.ISO_8859_1)).isEqualTo(fields);
    }

    /**
     * Proves that query parameters added to a URL that already has a query keep that query and
     * come after it, in order, decoding to exactly what was given (a space is sent as
     * {@code %20}, never {@code +}, so {@code +} in a value survives).
     */
    @Property(tries = 3000)
    void queryParametersAreAppendedAndDecodeBackInOrder(@ForAll("fields") List<Map.Entry<String, String>> params,
            @ForAll("existingQueries") String existing) {
        var builder = session.get("http://127.0.0.1/p" + existing);
        params.forEach(p -> builder.query(p.getKey(), p.getValue()));
        Request request = builder.build();
        String query = request.url().getRawQuery();
        String kept = existing.length() > 1 ? existing.substring(1) : "";
        if (params.isEmpty()) {
            assertThat(query == null ? "" : query).isEqualTo(kept);
            return;
        }
        assertThat(query).startsWith(kept);
        String added = query.substring(kept.isEmpty() ? 0 : kept.length() + 1);
        assertThat(added).doesNotContain("+", " ", "#");
        assertThat(decodeInOrder(added, StandardCharsets.UTF_8)).isEqualTo(params);
    }

    private static List<Map.Entry<String, String>> decodeInOrder(String encoded, Charset charset) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        if (encoded.isEmpty()) {
            return out;
        }
        for (String pair : encoded.split("&", -1)) {
            int eq = pair.indexOf('=');
            assertThat(eq).as("every field has '=': %s", pair).isGreaterThanOrEqualTo(0);
            out.add(Map.entry(URLDecoder.decode(pair.substring(0, eq), charset),
                    URLDecoder.decode(pair.substring(eq + 1), charset)));
        }
        return out;
    }

    private static Map<String, List<String>> nettyGrouped(String encoded) {
        return new QueryStringDecoder(encoded, StandardCharsets.UTF_8, false, 1_000_000).parameters();
    }

    private static Map<String, List<String>> grouped(List<Map.Entry<String, String>> fields) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        fields.forEach(f -> map.computeIfAbsent(f.getKey(), k -> new ArrayList<>()).add(f.getValue()));
        return map;
    }

    static byte[] bytesOf(io.posthaste.Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            body.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Provide
    Arbitrary<List<Map.Entry<String, String>>> fields() {
        // A small pool of names makes repeats common; free text covers the rest.
        Arbitrary<String> name = Arbitraries.oneOf(Arbitraries.of("tag", "a b", "k+=&", ""), Fragments.anyText(6));
        return Combinators.combine(name, Fragments.anyText(10)).as(Map::entry).list().ofMaxSize(8);
    }

    @Provide
    Arbitrary<List<Map.Entry<String, String>>> latin1Fields() {
        Arbitrary<String> text = Fragments.joined(Arbitraries.chars().range('\u0000', '\u00ff').map(String::valueOf), 0, 12);
        return Combinators.combine(text, text).as(Map::entry).list().ofMaxSize(6);
    }

    @Provide
    Arbitrary<String> existingQueries() {
        return Arbitraries.of("", "?", "?x=1", "?a=%20b&c", "?q=caf%C3%A9");
    }
}
