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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code application/x-www-form-urlencoded} bodies ({@link FormBody}) and query parameters
 * ({@code RequestBuilder.query}), decoded by the JDK's {@link URLDecoder} and Netty's
 * {@link QueryStringDecoder}, neither of which shares code with the client's encoder.
 */
@ExtendWith(BufferLeakCheck.class)
class FormProperties {

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
     * Proves that any fields (any valid Unicode, reserved characters, empty names and values,
     * repeated names) encode to printable ASCII of the form grammar only, with an exact
     * {@code contentLength()}, and decode back with {@link URLDecoder} to the same fields in the
     * same order, and with Netty's decoder to the same values per name.
     */
    @Test
    void formFieldsRoundTripInOrder() {
        Fuzz.check("formFieldsRoundTripInOrder", 5000, fields(), FormProperties::assertRoundTripsInOrder);
    }

    private static void assertRoundTripsInOrder(List<Map.Entry<String, String>> fields) {
        FormBody.Builder builder = FormBody.builder();
        fields.forEach(field -> builder.add(field.getKey(), field.getValue()));
        FormBody body = builder.build();
        byte[] bytes = bytesOf(body);
        assertThat(body.contentLength()).isEqualTo(bytes.length);
        String encoded = new String(bytes, StandardCharsets.US_ASCII);
        assertThat(encoded.chars())
                .allMatch(c -> Character.isLetterOrDigit(c) && c < 0x80 || "-._~%+&=".indexOf(c) >= 0);
        assertThat(decodeInOrder(encoded, StandardCharsets.UTF_8)).isEqualTo(fields);
        if (fields.stream().noneMatch(f -> f.getKey().isEmpty())) {
            // Netty reads "=v" as a field named "v", so forms with an empty name are left to URLDecoder.
            assertThat(nettyGrouped(encoded)).isEqualTo(grouped(fields));
        }
    }

    /** Proves the same round trip for a Latin-1 form (text restricted to Latin-1, as it must be). */
    @Test
    void latin1FormFieldsRoundTrip() {
        Fuzz.check("latin1FormFieldsRoundTrip", 800, latin1Fields(), FormProperties::assertLatin1RoundTrips);
    }

    private static void assertLatin1RoundTrips(List<Map.Entry<String, String>> fields) {
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
    @Test
    void queryParametersAreAppendedAndDecodeBackInOrder() {
        Gen<List<Map.Entry<String, String>>> params = fields();
        Gen<String> existing = Gen.of("", "?", "?x=1", "?a=%20b&c", "?q=caf%C3%A9");
        Gen<Query> queries = r -> new Query(params.next(r), existing.next(r));
        Fuzz.check(
                "queryParametersAreAppendedAndDecodeBackInOrder",
                3000,
                queries,
                q -> assertAppendedInOrder(q.params(), q.existing()));
    }

    /** One input of {@link #queryParametersAreAppendedAndDecodeBackInOrder}. */
    record Query(List<Map.Entry<String, String>> params, String existing) {}

    private static void assertAppendedInOrder(List<Map.Entry<String, String>> params, String existing) {
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
            out.add(Map.entry(
                    URLDecoder.decode(pair.substring(0, eq), charset),
                    URLDecoder.decode(pair.substring(eq + 1), charset)));
        }
        return out;
    }

    private static Map<String, List<String>> nettyGrouped(String encoded) {
        return new QueryStringDecoder(encoded, StandardCharsets.UTF_8, false, 1_000_000).parameters();
    }

    private static Map<String, List<String>> grouped(List<Map.Entry<String, String>> fields) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        fields.forEach(
                f -> map.computeIfAbsent(f.getKey(), k -> new ArrayList<>()).add(f.getValue()));
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

    private static Gen<List<Map.Entry<String, String>>> fields() {
        // A small pool of names makes repeats common; free text covers the rest.
        Gen<String> name = Gen.oneOf(Gen.of("tag", "a b", "k+=&", ""), Fragments.anyText(6));
        Gen<String> value = Fragments.anyText(10);
        Gen<Map.Entry<String, String>> field = r -> Map.entry(name.next(r), value.next(r));
        return field.list(0, 8);
    }

    private static Gen<List<Map.Entry<String, String>>> latin1Fields() {
        Gen<String> text = Fragments.joined(Gen.charIn('\u0000', '\u00ff'), 0, 12);
        Gen<Map.Entry<String, String>> field = r -> Map.entry(text.next(r), text.next(r));
        return field.list(0, 6);
    }
}
