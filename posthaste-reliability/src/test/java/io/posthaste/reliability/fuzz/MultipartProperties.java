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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code multipart/form-data} bodies ({@link Multipart}) decoded by parsers that share no code
 * with the client's encoder: Netty's {@link HttpPostMultipartRequestDecoder}, and the parser of
 * posthaste-testing's {@link TestServer} after a real upload.
 */
@ExtendWith(BufferLeakCheck.class)
class MultipartProperties {

    /** One part as generated: a field when {@code filename} is null. */
    record Input(String name, String filename, byte[] content, String contentType) {}

    private static TestServer server;
    private static ClientSession session;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.dispatcher(request -> MockResponse.ok("ok"));
        session = ClientSession.builder().raiseForStatus(false).build();
    }

    @AfterAll
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
    @Test
    void partsRoundTripThroughNettysDecoder() {
        Fuzz.check(
                "partsRoundTripThroughNettysDecoder",
                1000,
                nettySafeParts(),
                MultipartProperties::assertNettyDecodesTheSameParts);
    }

    private static void assertNettyDecodesTheSameParts(List<Input> parts) throws IOException {
        Multipart body = build(parts);
        byte[] bytes = FormProperties.bytesOf(body);
        assertThat(body.contentLength()).isEqualTo(bytes.length);
        FullHttpRequest request =
                new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/", Unpooled.wrappedBuffer(bytes));
        request.headers().set(HttpHeaderNames.CONTENT_TYPE, body.contentType().toString());
        request.headers().set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        HttpPostMultipartRequestDecoder decoder =
                new HttpPostMultipartRequestDecoder(new DefaultHttpDataFactory(false), request, StandardCharsets.UTF_8);
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
                    assertThat(file.getContentType().toLowerCase(Locale.ROOT)).isEqualTo(essence(in.contentType()));
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
    @Test
    void partsWithAnyNameRoundTripThroughARealUpload() {
        Fuzz.check(
                "partsWithAnyNameRoundTripThroughARealUpload",
                200,
                parts(anyName()),
                MultipartProperties::assertTheServerReadsTheSameParts);
    }

    private static void assertTheServerReadsTheSameParts(List<Input> parts) {
        while (server.takeRequest(Duration.ZERO) != null) {
            // Drop what an earlier try left: each try looks at its own request only.
        }
        Multipart body = build(parts);
        Response response = session.post(server.url("/upload"))
                .multipart(body)
                .timeout(Duration.ofSeconds(10))
                .send();
        assertThat(response.status()).isEqualTo(200);
        RecordedRequest recorded = server.takeRequest();
        assertThat(recorded.body()).isEqualTo(FormProperties.bytesOf(body));
        List<Part> received = recorded.parts();
        assertThat(received).hasSize(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            Input in = parts.get(i);
            Part out = received.get(i);
            assertThat(out.name()).isEqualTo(in.name().replace("\"", "%22"));
            assertThat(out.filename())
                    .isEqualTo(in.filename() == null ? null : in.filename().replace("\"", "%22"));
            assertThat(out.content()).isEqualTo(in.content());
        }
    }

    /** Proves that a CR, LF or NUL in a part name or file name is refused when the part is made. */
    @Test
    void lineBreaksAndNulInNamesAreRefused() {
        Gen<String> names = anyName();
        Gen<String> breakers = Gen.of("\r", "\n", "\0", "\r\n");
        Gen<Integer> positions = Gen.anyInt();
        Gen<String> badNames = r -> Fragments.insertAt(names.next(r), breakers.next(r), positions.next(r));
        Fuzz.check("lineBreaksAndNulInNamesAreRefused", 3000, badNames, MultipartProperties::assertBadNameRefused);
    }

    private static void assertBadNameRefused(String bad) {
        assertThatThrownBy(() -> Multipart.builder().field(bad, "v")).isInstanceOf(InvalidRequestException.class);
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
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
                .trim()
                .toLowerCase(Locale.ROOT);
    }

    private static Gen<List<Input>> nettySafeParts() {
        Gen<String> safe = Fragments.anyText(8)
                .map(s -> s.replaceAll("[\\x00-\\x1f\\x7f:,;=\"\\\\]", "").strip())
                .filter(s -> !s.isEmpty());
        return parts(safe);
    }

    private static Gen<String> anyName() {
        Gen<String> piece = Gen.frequency(
                Gen.weight(6, Fragments.alphanumeric()),
                Gen.weight(3, Gen.of("\"", "\\", ";", "=", ",", ":", "\t", " ", "%22", "'", "*")),
                Gen.weight(2, Gen.of(Fragments.NON_ASCII)));
        return Fragments.joined(piece, 0, 12);
    }

    /** Returns one to five parts, fields and files alike; shrinks by dropping parts. */
    private static Gen<List<Input>> parts(Gen<String> names) {
        Gen<String> text = Fragments.anyText(16).map(s -> s.replace("\0", ""));
        Gen<Input> field = r -> new Input(names.next(r), null, text.next(r).getBytes(StandardCharsets.UTF_8), null);
        // Content that looks like a boundary line, fresh each time so no two inputs share an array.
        Gen<byte[]> boundaryLike = r -> "\r\n--\r\n--x--\r\n".getBytes(StandardCharsets.US_ASCII);
        Gen<byte[]> binary = Gen.frequency(
                Gen.weight(8, Gen.bytes(0, 300)),
                Gen.weight(1, Gen.ints(10_000, 200_000).map(byte[]::new)),
                Gen.weight(1, boundaryLike));
        Gen<String> type = Gen.of(
                "application/octet-stream",
                "text/plain; charset=utf-8",
                "image/PNG",
                "application/vnd.api+json",
                "text/csv; header=present",
                "x-a/y.z-1");
        Gen<String> fileNames = names.filter(n -> !n.isEmpty());
        Gen<Input> file = r -> new Input(names.next(r), fileNames.next(r), binary.next(r), type.next(r));
        return Gen.oneOf(field, file).list(1, 5);
    }
}
