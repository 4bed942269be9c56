package io.posthaste.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.testing.internal.Json;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays the requests aiohttp 3.8.4 sent to real httpbin (recorded in
 * {@code httpbin/aiohttp-3.8.4-as-seen-by-httpbin.json}) and expects the very same echo, apart from
 * the host and port.
 */
class HttpbinShapeTest {

    private static TestServer server;
    private static Map<String, Object> recorded;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        try (InputStream in =
                HttpbinShapeTest.class.getResourceAsStream("/httpbin/aiohttp-3.8.4-as-seen-by-httpbin.json")) {
            recorded = Http.map(Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "form", "headers", "file"})
    void echoMatchesWhatRealHttpbinAnsweredToAiohttp(String example) throws Exception {
        Map<String, Object> seen = Http.map(Http.map(recorded.get(example)).get("seen"));
        Map<String, Object> headers = Http.map(seen.get("headers"));
        String host = "127.0.0.1:" + server.port();
        byte[] body = body(example, seen);
        String path = example.equals("headers") ? "/headers" : "/post";
        StringBuilder request =
                new StringBuilder((example.equals("headers") ? "GET " : "POST ") + path + " HTTP/1.1\r\n");
        headers.forEach((name, value) -> request.append(name)
                .append(": ")
                .append(
                        name.equals("Host")
                                ? host
                                : name.equals("Content-Length") ? String.valueOf(body.length) : value)
                .append("\r\n"));
        Map<String, Object> answer;
        try (RawClient c = new RawClient(server)) {
            answer = Http.map(Json.parse(
                    c.send(request.append("\r\n").toString()).send(body).read().bodyUtf8()));
        }

        Map<String, Object> expected = new LinkedHashMap<>(seen);
        Map<String, Object> expectedHeaders = new LinkedHashMap<>(headers);
        expectedHeaders.put("Host", host);
        if (expectedHeaders.containsKey("Content-Length")) {
            expectedHeaders.put("Content-Length", String.valueOf(body.length));
        }
        expected.put("headers", expectedHeaders);
        if (expected.containsKey("url")) {
            expected.put("url", "http://" + host + path);
        }
        assertThat(answer).isEqualTo(expected);
    }

    private static byte[] body(String example, Map<String, Object> seen) {
        return switch (example) {
            case "json" -> ((String) seen.get("data")).getBytes(StandardCharsets.UTF_8);
            case "form" -> "username=john&password=1234".getBytes(StandardCharsets.UTF_8);
            case "headers" -> new byte[0];
            case "file" -> {
                // Rebuild aiohttp's multipart body around the recorded file bytes and boundary.
                String type = (String) Http.map(seen.get("headers")).get("Content-Type");
                String boundary = type.substring(type.indexOf("boundary=") + "boundary=".length());
                String dataUrl = (String) Http.map(seen.get("files")).get("upload_file");
                byte[] pdf = Base64.getDecoder().decode(dataUrl.substring(dataUrl.indexOf(',') + 1));
                byte[] head = ("--" + boundary + "\r\nContent-Type: application/pdf\r\nContent-Disposition: form-data; "
                                + "name=\"upload_file\"; filename=\"report.pdf\"; filename*=utf-8''report.pdf\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8);
                byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
                yield EchoRoutesTest.concat(head, pdf, tail);
            }
            default -> throw new IllegalArgumentException(example);
        };
    }
}
