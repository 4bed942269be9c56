package io.posthaste.examples;

import io.posthaste.ClientResponseException;
import io.posthaste.ClientSession;
import io.posthaste.Response;
import io.posthaste.testing.TestServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The five examples of the design (§1: JSON, form, file upload, custom headers, errors, plus one
 * asynchronous request), written as the blog post shows them and run against any
 * httpbin-compatible server: {@code /post}, {@code /headers} and {@code /status/422}.
 *
 * <p>Each example prints what it sends and what the server saw (the server's echo), and returns
 * what it got so a test can check it. Run it with a base URL ({@code https://httpbin.org}) or
 * without arguments, which starts the embedded {@link TestServer}:
 * {@snippet lang=shell :
 * java io.posthaste.examples.BlogExamples                        # embedded TestServer
 * java io.posthaste.examples.BlogExamples http://127.0.0.1:18081 # a local httpbin
 * }
 *
 * <p>Not thread-safe for printing (examples run one after another); the session it is given is
 * shared and not closed here.
 */
public final class BlogExamples {

    /** The JSON body of the examples, as in the blog post. */
    public static final Map<String, String> DATA = Map.of("key1", "value1", "key2", "value2");

    /** The form of the login example. */
    public static final Map<String, String> LOGIN = Map.of("username", "john", "password", "1234");

    /** The custom headers of the headers example. */
    public static final Map<String, String> AUTH_HEADERS = Map.of("X-Auth-Token", "secret-token");

    private static final String SENT = "  sends:  ";
    private static final String SAW = "  server saw:\n";
    private static final String INDENT = "    ";

    private final ClientSession session;
    private final String baseUrl;
    private final Path workDir;
    private final PrintStream out;

    /**
     * Creates the examples.
     *
     * @param session the session to send with (not closed by these examples)
     * @param baseUrl an httpbin-compatible server, e.g. {@code http://127.0.0.1:18081}; a trailing
     *     {@code /} is ignored
     * @param workDir the directory holding {@code report.pdf} (see {@link #writeReportPdf(Path)})
     * @param out where the examples print
     */
    public BlogExamples(ClientSession session, String baseUrl, Path workDir, PrintStream out) {
        this.session = Objects.requireNonNull(session, "session");
        this.baseUrl = stripTrailingSlash(Objects.requireNonNull(baseUrl, "baseUrl"));
        this.workDir = Objects.requireNonNull(workDir, "workDir");
        this.out = Objects.requireNonNull(out, "out");
    }

    /**
     * Runs the examples against {@code args[0]}, or against an embedded {@link TestServer} when no
     * argument is given. A failure other than the expected 422 ends with an exception.
     */
    public static void main(String[] args) throws IOException {
        Path workDir = Files.createTempDirectory("posthaste-examples");
        Path report = writeReportPdf(workDir);
        try (TestServer server = args.length > 0 ? null : TestServer.start();
                ClientSession session = ClientSession.create()) {
            String baseUrl = server != null ? server.url("/") : args[0];
            System.out.println("Posthaste " + ClientSession.VERSION + " against " + stripTrailingSlash(baseUrl)
                    + (server != null ? " (embedded TestServer)" : ""));
            new BlogExamples(session, baseUrl, workDir, System.out).runAll();
        } finally {
            Files.deleteIfExists(report);
            Files.deleteIfExists(workDir);
        }
    }

    /**
     * Writes {@code report.pdf} into {@code dir} with the bytes the seed used:
     * {@code b"%PDF-1.4\n" + bytes(range(256)) * 4} (1033 bytes).
     *
     * @return the file written
     */
    public static Path writeReportPdf(Path dir) {
        try {
            return Files.write(dir.resolve("report.pdf"), reportPdfBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write report.pdf into " + dir, e);
        }
    }

    /** Returns the seed's report.pdf content: {@code "%PDF-1.4\n"} then bytes 0..255, four times. */
    public static byte[] reportPdfBytes() {
        byte[] header = "%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = new byte[header.length + 256 * 4];
        System.arraycopy(header, 0, bytes, 0, header.length);
        for (int i = 0; i < 256 * 4; i++) {
            bytes[header.length + i] = (byte) i;
        }
        return bytes;
    }

    /** Runs the five examples and the asynchronous one, in the blog post's order. */
    public void runAll() {
        postJson();
        postForm();
        uploadFile();
        getWithHeaders();
        createWithError();
        postJsonAsync().join();
    }

    /**
     * JSON: serialised with Jackson, {@code Content-Type: application/json}.
     *
     * @return the server's answer (an echo of the request)
     */
    public Response postJson() {
        title("1. JSON", "POST", "/post", "json " + DATA);
        Map<String, String> data = DATA;

        Response response = session.post(url("/post")).json(data).send();
        out.println(response.status());

        return seen(response);
    }

    /**
     * Form data: {@code application/x-www-form-urlencoded}, UTF-8.
     *
     * @return the server's answer (an echo of the request)
     */
    public Response postForm() {
        title("2. Form", "POST", "/post", "form " + LOGIN);

        Response response = session.post(url("/post"))
                .form(Map.of("username", "john", "password", "1234"))
                .send();
        out.println(response.text());

        return seen(response);
    }

    /**
     * File upload: {@code multipart/form-data}, streamed from disk with an exact
     * {@code Content-Length}. The blog's {@code Path.of("report.pdf")} lives in the work directory.
     *
     * @return the server's answer (an echo of the request)
     */
    public Response uploadFile() {
        Path reportPdf = workDir.resolve("report.pdf");
        title("3. File upload", "POST", "/post", "files {upload_file=" + reportPdf + "}");

        Response response = session.post(url("/post"))
                .files(Map.of("upload_file", reportPdf))
                .send();
        out.println(response.status());

        return seen(response);
    }

    /**
     * Custom headers: a GET with {@code X-Auth-Token}, printing the answer as a Jackson tree.
     *
     * @return the server's answer (the headers it saw)
     */
    public Response getWithHeaders() {
        title("4. Custom headers", "GET", "/headers", "headers " + AUTH_HEADERS);

        Response response = session.get(url("/headers"))
                .headers(Map.of("X-Auth-Token", "secret-token"))
                .send();
        out.println(response.json()); // a Jackson JsonNode

        return seen(response);
    }

    /**
     * Errors: a 4xx/5xx answer raises {@link ClientResponseException} by default.
     *
     * @return the exception caught, or empty when the server did not answer with an error
     */
    public Optional<ClientResponseException> createWithError() {
        title("5. Errors", "POST", "/status/422", "json " + DATA);
        Map<String, String> data = DATA;

        try {
            Response response = session.post(url("/status/422")).json(data).send();
            out.println("  no exception: the server answered " + response.status());
            return Optional.empty();
        } catch (ClientResponseException e) {
            out.println(e.status()); // 422
            out.println(e.reason()); // "Unprocessable Entity"
            out.println(e.bodyText()); // the server's error body, kept (capped)
            out.println("  raised: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return Optional.of(e);
        }
    }

    /**
     * Every request can also run asynchronously: the JSON example with {@code sendAsync()}.
     *
     * @return the pending answer; it completes after the echo has been printed
     */
    public CompletableFuture<Response> postJsonAsync() {
        heading("6. Asynchronously", "POST", "/post", "json " + DATA + "  (sendAsync)");
        Map<String, String> data = DATA;

        CompletableFuture<Response> pending =
                session.post(url("/post")).json(data).sendAsync();

        return pending.thenApply(this::seen);
    }

    private String url(String path) {
        return baseUrl + path;
    }

    /** Prints the example's heading and what it sends, then introduces what the example prints. */
    private void title(String name, String method, String path, String body) {
        heading(name, method, path, body);
        out.println("  prints:");
    }

    private void heading(String name, String method, String path, String body) {
        out.println();
        out.println("== " + name + " " + "=".repeat(Math.max(3, 60 - name.length())));
        out.println(SENT + method + " " + url(path) + "  " + body);
    }

    private Response seen(Response response) {
        out.print(SAW + EchoSummary.of(response, INDENT));
        return response;
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
