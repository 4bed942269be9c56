package io.posthaste.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.multipart.Attribute;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpPostMultipartRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;
import io.posthaste.ClientSession;
import io.posthaste.Headers;
import io.posthaste.InvalidRequestException;
import io.posthaste.MediaType;
import io.posthaste.Multipart;
import io.posthaste.Response;
import io.posthaste.testing.MockResponse;
import io.posthaste.testing.Part;
import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
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
 * {@code multipart/form-data} bodies ({@link Multipart}) decoded by parsers that share no code
 * with the client's encoder: Netty's {@link HttpPostMultipartRequestDecoder}, and the parser of
 * posthaste-testing's {@link TestServer} after a real upload.
 */
@AddLifecycleHook(FuzzBudget.class)
@AddLifecycleHook(BufferLeakCheck.class)
class MultipartProperties {

    /** One part as generated: a field when {@code filename} is null. */
    record Input(String name, String filename, byte[] content, String contentType) {
    }

    private static TestServer server;
    private static ClientSession session;

    @BeforeContainer
    static void start() {
        server = TestServer.start();
        server.dispatcher(request -> MockResponse.ok("ok"));
        session = ClientSession.builder().raiseForStatus(false).build();
    }

    @AfterContainer
    static void stop() {
        session.close();
        server.close();
    }

    /**
     * Proves that fields (UTF-8 text, CR and LF included) and files (binary content, content
     * types with and without parameters, non-ASCII names) decode with Netty to the same parts
     * in the same order, with an exact {@code contentLength()}. Names are drawn from characters
     * Netty keeps as they are: its decoder turns {@code : , ; = HTAB} into spaces, drops quotes
     * and trims, so those are covered by the test-server property instead.
     */
    @Property(tries = 1000)
    void partsRoundTripThroughNettysDecoder(@ForAll("nettySafeParts") List<Input> parts) throws IOException {
        Multipart body = build(parts);
        byte[] bytes = FormProperties.bytesOf(body);
        assertThat(body.contentLength()).isEqualTo(bytes.length);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/",
                Unpooled.wrappedBuffer(bytes));
        request.headers().set(HttpHeaderNames.CONTENT_TYPE, body.contentType().toString());
        request.headers().set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        HttpPostMultipartRequestDecoder decoder = new HttpPostMultipartRequestDecoder(
                new DefaultHttpDataFactory(false), request, StandardCharsets.UTF_8);
        try {
            List<InterfaceHttpData> decoded = decoder.getBodyHttpDatas();
            assertThat(decoded).hasSize(parts.size());
            for (int i = 0; i < parts.size(); i++) {
                Input in = parts.get(i);
                InterfaceHttpData data = decoded.get(i);
                assertThat(data.getName()).isEqualTo(in.name());
                if (in.filename() == null) {
                    assertThat(data).isInstanceOf(Attribute.class);
                    assertThat(((Attribute) data).get()).isEqualTo(in.content());
                } else {
                    FileUpload file = (FileUpload) data;
                    assertThat(file.getFilename()).isEqualTo(in.filename());
                    assertThat(file.get()).isEqualTo(in.content());
                    assertThat(file.getContentType().toLowerCase(Locale.ROOT))
                            .isEqualTo(essence(in.contentType()));
                }
            }
        } finally {
            decoder.destroy();
            request.release();
        }
    }

    /**
     * Proves, through a real upload, that what the server's parser reads is what was given, for
     * names and file names with every character the client allows (quotes, backslashes, the
     * separators Netty mangles, tabs, spaces at the ends, non-ASCII, the empty string): a
     * backslash arrives as itself and a double quote as {@code %22}, as {@link Multipart}
     * documents; and that the bytes on the wire are exactly those {@code writeTo} produces.
     */
    @Property(tries = 200)
    void partsWithAnyNameRoundTripThroughARealUpload(@ForAll("anyParts") List<Input> parts) {
        while (server.takeRequest(Duration.ZERO) != null) {
            // Drop what an earlier try left: each try looks at its own request only.
        }
        Multipart body = build(parts);
        Response response = session.post(server.url("/upload")).multipart(body)
                .timeout(Duration.ofSeconds(10)).send();
        assertThat(response.status()).isEqualTo(200);
        RecordedRequest recorded = server.takeRequest();
        assertThat(recorded.body()).isEqualTo(FormProperties.bytesOf(body));
        List<Part> received = recorded.parts();
        assertThat(received).hasSize(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            Input in = parts.get(i);
            Part out = received.get(i);
            assertThat(out.name()).isEqualTo(in.name().replace("\"", "%22"));
            assertThat(out.filename()).isEqualTo(in.filename() == null ? null : in.filename().replace("\"", "%22"));
            assertThat(out.content()).isEqualTo(in.content());
        }
    }

    /** Proves that a CR, LF or NUL in a part name or file name is refused when the part is made. */
    @Property(tries = 3000)
    void lineBreaksAndNulInNamesAreRefused(@ForAll("anyName") String name, @ForAll("breakers") String breaker,
            @ForAll int position) {
        String bad = Fragments.insertAt(name, breaker, position);
        assertThatThrownBy(() -> Multipart.builder().field(bad, "v"))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> Multipart.builder().file("f", bad, new byte[] {1}, null))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> new Multipart.Part("ok", bad, Headers.empty(), io.posthaste.Body.of("x")))
                .isInstanceOf(InvalidRequestException.class);
    }

    private static Multipart build(List<Input> parts) {
        Multipart.Builder builder = Multipart.builder();
        for (Input part : parts) {
            if (part.filename() == null) {
                builder.field(part.name(), new String(part.content(), StandardCharsets.UTF_8));
            } else {
                builder.file(part.name(), part.filename(), part.content(), MediaType.parse(part.contentType()));
            }
        }
        return builder.build();
    }

    private static String essence(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    @Provide
    Arbitrary<List<Input>> nettySafeParts() {
        Arbitrary<String> safe = Fragments.anyText(8).map(s -> s.replaceAll("[\\x00-\\x1f\\x7f:,;=\"\\\\]", "").strip())
                .filter(s -> !s.isEmpty());
        return parts(safe);
    }

    @Provide
    Arbitrary<List<Input>> anyParts() {
        return parts(anyName());
    }

    @Provide
    Arbitrary<String> anyName() {
        Arbitrary<String> piece = Arbitraries.frequencyOf(Tuple.of(6, Fragments.alphanumeric()),
                Tuple.of(3, Arbitraries.of("\"", "\\", ";", "=", ",", ":", "\t", " ", "%22", "'", "*")),
                Tuple.of(2, Arbitraries.of(Fragments.NON_ASCII)));
        return Fragments.joined(piece, 0, 12);
    }

    @Provide
    Arbitrary<String> breakers() {
        return Arbitraries.of("\r", "\n", "\0", "\r\n");
    }

    private static Arbitrary<List<Input>> parts(Arbitrary<String> names) {
        Arbitrary<String> text = Fragments.anyText(16).map(s -> s.replace("\0", ""));
        Arbitrary<Input> field = Combinators.combine(names, text)
                .as((n, v) -> new Input(n, null, v.getBytes(StandardCharsets.UTF_8), null));
        Arbitrary<byte[]> binary = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.bytes().array(byte[].class).ofMaxSize(300)),
                Tuple.of(1, Arbitraries.integers().between(10_000, 200_000).map(byte[]::new)),
                Tuple.of(1, Arbitraries.just("\r\n--\r\n--x--\r\n".getBytes(StandardCharsets.US_ASCII))));
        Arbitrary<String> type = Arbitraries.of("application/octet-stream", "text/plain; charset=utf-8",
                "image/PNG", "application/vnd.api+json", "text/csv; header=present", "x-a/y.z-1");
        Arbitrary<Input> file = Combinators.combine(names, names.filter(n -> !n.isEmpty()), binary, type)
                .as((n, f, b, t) -> new Input(n, f, b, t));
        return Arbitraries.frequencyOf(Tuple.of(1, field), Tuple.of(1, file)).list().ofMinSize(1).ofMaxSize(5);
    }
}
