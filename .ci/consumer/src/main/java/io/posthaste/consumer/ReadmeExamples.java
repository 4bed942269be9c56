package io.posthaste.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import io.posthaste.ClientResponseException;
import io.posthaste.ClientSession;
import io.posthaste.Response;
import io.posthaste.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The README's five examples (and its asynchronous one), as a user who took the published jars
 * would write them, against an embedded {@link TestServer}: the blog's {@code api.example.com}
 * paths become the server's echo routes ({@code /post}, {@code /headers}, {@code /status/422}).
 *
 * <p>Prints what each example prints, then one {@code consumer check:} line; exits with status 1
 * if any example did not get what the README says it gets.
 */
public final class ReadmeExamples {

    private final List<String> failures = new ArrayList<>();

    private ReadmeExamples() {}

    /**
     * Runs the examples.
     *
     * @param args ignored
     * @throws IOException if the temporary {@code report.pdf} cannot be written
     */
    public static void main(String[] args) throws IOException {
        ReadmeExamples check = new ReadmeExamples();
        Path dir = Files.createTempDirectory("posthaste-consumer");
        Path report = Files.write(dir.resolve("report.pdf"), "%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII));
        try (TestServer server = TestServer.start()) {
            check.run(server, report);
        } finally {
            Files.delete(report);
            Files.delete(dir);
        }
        String where = ReadmeExamples.class.getModule().isNamed() ? "module path" : "class path";
        if (!check.failures.isEmpty()) {
            System.out.println("consumer check: FAILED on the " + where + ", Java " + Runtime.version() + ": "
                    + check.failures);
            System.exit(1);
        }
        System.out.println("consumer check: 5 examples + async passed on the " + where + ", Java "
                + Runtime.version());
    }

    private void run(TestServer server, Path reportPdf) {
        try (ClientSession session = ClientSession.create()) {
            System.out.println("native transport: " + session.usesNativeTransport()
                    + ", codings: " + ClientSession.contentCodings());
            Map<String, String> data = Map.of("key1", "value1", "key2", "value2");

            // JSON: serialised with Jackson, Content-Type: application/json
            Response response = session.post(server.url("/post")).json(data).send();
            System.out.println(response.status());
            expect("json", response.json().path("json").path("key1").asText(), "value1");

            // Form data: application/x-www-form-urlencoded, UTF-8
            response = session.post(server.url("/post"))
                    .form(Map.of("username", "john", "password", "1234")).send();
            System.out.println(response.text());
            expect("form", response.json().path("form").path("username").asText(), "john");

            // File upload: multipart/form-data, random boundary, streamed from disk, exact Content-Length
            response = session.post(server.url("/post"))
                    .files(Map.of("upload_file", reportPdf)).send();
            System.out.println(response.status());
            expect("upload", response.json().path("files").has("upload_file"), true);

            // Custom headers
            response = session.get(server.url("/headers"))
                    .headers(Map.of("X-Auth-Token", "secret-token")).send();
            JsonNode headers = response.json();
            System.out.println(headers);
            expect("headers", headers.path("headers").path("X-Auth-Token").asText(), "secret-token");

            // Errors: 4xx/5xx raise by default
            try {
                session.post(server.url("/status/422")).json(data).send();
                failures.add("errors: no ClientResponseException for a 422");
            } catch (ClientResponseException e) {
                System.out.println(e.status());
                System.out.println(e.reason());
                System.out.println(e.bodyText());
                expect("errors", e.status(), 422);
            }

            // Every request can also run asynchronously:
            CompletableFuture<Response> pending = session.post(server.url("/post")).json(data).sendAsync();
            expect("async", pending.join().status(), 200);
        }
    }

    private void expect(String example, Object actual, Object expected) {
        if (!expected.equals(actual)) {
            failures.add(example + ": expected " + expected + " but got " + actual);
        }
    }
}
