package io.posthaste.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.testing.MockResponse;
import io.posthaste.testing.RecordedRequest;
import io.posthaste.testing.TestServer;
import io.posthaste.testing.TestServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The body, auth, redirect, timeout and print flags against TestServer. */
class FlagsTest {

    @RegisterExtension
    static final TestServerExtension SERVER = TestServerExtension.perTest();

    @TempDir
    Path dir;

    private TestServer server() {
        return SERVER.server();
    }

    @Test
    void formSendsDataItemsUrlEncoded() {
        Cli.Result result = Cli.piped().run("-f", server().url("/post"), "username=john", "password=12 34");
        assertThat(result.exitCode()).isZero();
        RecordedRequest request = server().takeRequest();
        assertThat(request.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(request.bodyUtf8()).isEqualTo("username=john&password=12+34");
        assertThat(request.header("Accept")).isEqualTo("*/*");
    }

    @Test
    void formWithAFileItemIsMultipart() throws Exception {
        Files.writeString(dir.resolve("a.txt"), "A");
        Cli.Result result = Cli.piped().in(dir).run("--form", server().url("/post"), "k=v", "f@a.txt");
        assertThat(result.exitCode()).isZero();
        assertThat(server().takeRequest().parts()).hasSize(2);
    }

    @Test
    void multipartSendsPlainFieldsAsParts() {
        Cli.Result result = Cli.piped().run("--multipart", server().url("/post"), "k=v");
        assertThat(result.exitCode()).isZero();
        RecordedRequest request = server().takeRequest();
        assertThat(request.header("Content-Type")).startsWith("multipart/form-data");
        assertThat(request.parts())
                .singleElement()
                .satisfies(part -> assertThat(part.contentUtf8()).isEqualTo("v"));
    }

    @Test
    void jsonFlagTypesARawBodyAndAsksForJson() throws Exception {
        Files.writeString(dir.resolve("payload"), "{\"a\":1}");
        Cli.Result result = Cli.piped().in(dir).run("-j", server().url("/post"), "@payload");
        assertThat(result.exitCode()).isZero();
        RecordedRequest request = server().takeRequest();
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.header("Accept")).isEqualTo("application/json, */*;q=0.5");
    }

    @Test
    void conflictingBodyFlagsAndItemsAreUsageErrors() {
        assertThat(Cli.piped().run("-f", "-j", server().url("/post"), "a=b").exitCode())
                .isEqualTo(ExitCode.USAGE);
        Cli.Result rawJsonInForm = Cli.piped().run("-f", server().url("/post"), "n:=1");
        assertThat(rawJsonInForm.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(rawJsonInForm.err()).contains("raw JSON items need JSON mode");
        assertThat(Cli.piped().stdin("x").run(server().url("/post"), "-", "a=b").exitCode())
                .isEqualTo(ExitCode.USAGE);
        assertThat(server().requestCount()).isZero();
    }

    @Test
    void basicAuthSendsTheCredentialsTheServerChecks() {
        Cli.Result ok = Cli.piped().run("-a", "john:s3cret", "--check-status", server().url("/basic-auth/john/s3cret"));
        assertThat(ok.exitCode()).isZero();
        assertThat(server().takeRequest().header("Authorization"))
                .isEqualTo("Basic " + Base64.getEncoder().encodeToString("john:s3cret".getBytes()));
        Cli.Result wrong =
                Cli.piped().run("-a", "john:nope", "--check-status", server().url("/basic-auth/john/s3cret"));
        assertThat(wrong.exitCode()).isEqualTo(ExitCode.HTTP_4XX);
    }

    @Test
    void bearerAuthSendsTheToken() {
        Cli.Result result = Cli.piped().run("-A", "bearer", "-a", "tok123", "--check-status", server().url("/bearer"));
        assertThat(result.exitCode()).isZero();
        assertThat(server().takeRequest().header("Authorization")).isEqualTo("Bearer tok123");
    }

    @Test
    void digestAuthAnswersTheServersChallenge() {
        try (io.posthaste.testing.TestServer digest = io.posthaste.testing.TestServer.builder()
                .dispatcher(request -> request.header("Authorization") == null
                        ? io.posthaste.testing.MockResponse.builder()
                                .status(401)
                                .header("WWW-Authenticate", "Digest realm=\"r\", qop=\"auth\", nonce=\"n1\"")
                                .build()
                        : io.posthaste.testing.MockResponse.ok(request.header("Authorization")))
                .start()) {
            Cli.Result result =
                    Cli.piped().run("-A", "digest", "-a", "john:pw", "--check-status", digest.url("/secret"));
            assertThat(result.exitCode()).isZero();
            assertThat(result.out())
                    .startsWith("Digest username=\"john\", realm=\"r\", nonce=\"n1\"")
                    .contains("qop=auth")
                    .contains("uri=\"/secret\"");
            assertThat(digest.requestCount()).isEqualTo(2);
        }
    }

    @Test
    void redirectsArePrintedUnlessFollowed() {
        Cli.Result stay = Cli.piped().run("-h", "--check-status", server().url("/redirect/2"));
        assertThat(stay.exitCode()).isEqualTo(ExitCode.HTTP_3XX);
        assertThat(stay.out()).startsWith("HTTP/1.1 302");
        Cli.Result follow = Cli.piped().run("-F", "-h", "--check-status", server().url("/redirect/2"));
        assertThat(follow.exitCode()).isZero();
        assertThat(follow.out()).startsWith("HTTP/1.1 200");
        assertThat(server().requestCount()).isEqualTo(4);
    }

    @Test
    void followingTooManyRedirectsExitsSixNamingTheRequestAndTheLastHopOnce() {
        String start = server().url("/redirect/5");
        Cli.Result result = Cli.piped().run("--follow", "--max-redirects", "2", start);
        assertThat(result.exitCode()).isEqualTo(ExitCode.TOO_MANY_REDIRECTS);
        // Built from the exception's fields, so it reads once whatever the client's message says.
        assertThat(result.err())
                .isEqualTo("posthaste: too many redirects (more than 2): GET " + start + ", the last from "
                        + server().url("/relative-redirect/3") + " (raise --max-redirects)\n");
    }

    @Test
    void followingA303PostBecomesAGetWithoutBody() {
        server().enqueue(MockResponse.builder()
                .status(303)
                .header("Location", "/get")
                .build());
        Cli.Result result = Cli.piped().run("-F", server().url("/post"), "a=b");
        assertThat(result.exitCode()).isZero();
        assertThat(server().takeRequest().method()).isEqualTo("POST");
        RecordedRequest second = server().takeRequest();
        assertThat(second.method()).isEqualTo("GET");
        assertThat(second.bodySize()).isZero();
    }

    @Test
    void credentialsAreNotFollowedToAnotherOrigin() {
        try (TestServer other = TestServer.start()) {
            server().enqueue(MockResponse.builder()
                    .status(307)
                    .header("Location", other.url("/get"))
                    .build());
            Cli.Result result = Cli.piped().run("-F", "-a", "john:secret", server().url("/start"));
            assertThat(result.exitCode()).isZero();
            assertThat(server().takeRequest().header("Authorization")).startsWith("Basic ");
            assertThat(other.takeRequest().header("Authorization")).isNull();
        }
    }

    @Test
    void timeoutLimitsTheWaitForAnAnswer() {
        long start = System.nanoTime();
        Cli.Result result = Cli.piped().run("--timeout", "0.3", server().url("/delay/3"));
        assertThat(result.exitCode()).isEqualTo(ExitCode.TIMEOUT);
        assertThat(result.err()).startsWith("posthaste: timed out (READ after 300 ms)");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2500);
    }

    @Test
    void verboseAndPrintChooseWhatIsShown() {
        Cli.Result verbose = Cli.piped().run("-v", server().url("/post"), "a=b");
        assertThat(verbose.out())
                .startsWith("POST /post HTTP/1.1\nHost: 127.0.0.1:" + server().port() + "\n")
                .contains("\n\n{\"a\":\"b\"}\n\nHTTP/1.1 200 OK\n")
                .contains("\"json\": {");
        Cli.Result heads = Cli.piped().run("-p", "Hh", server().url("/post"), "a=b");
        assertThat(heads.out())
                .contains("POST /post HTTP/1.1", "HTTP/1.1 200 OK")
                .doesNotContain("{\"a\":\"b\"}", "\"json\"");
        Cli.Result headers = Cli.piped().run("--headers", server().url("/get"));
        assertThat(headers.out())
                .startsWith("HTTP/1.1 200 OK\n")
                .contains("Content-Type: application/json")
                .doesNotContain("\"headers\"");
        Cli.Result body = Cli.onTerminal().run("--body", server().url("/get"));
        assertThat(body.out()).startsWith("{").doesNotContain("HTTP/1.1");
        assertThat(Cli.piped().run("-p", "x", server().url("/get")).exitCode()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void verboseEndsWithOneLineOfWhereTheTimeWentAndPlainOutputHasNone() {
        Cli.Result verbose = Cli.piped().run("-v", server().url("/get"));
        assertThat(verbose.out())
                .containsPattern("\n\ntimings: pool \\d+\\.\\d ms, dns \\d+\\.\\d ms, "
                        + "connect \\d+\\.\\d ms, tls 0\\.0 ms, ttfb \\d+\\.\\d ms, body \\d+\\.\\d ms, "
                        + "total \\d+\\.\\d ms\n$");
        assertThat(Cli.piped().run(server().url("/get")).out()).doesNotContain("timings:");
        assertThat(Cli.piped().run("-p", "HBhb", server().url("/get")).out()).doesNotContain("timings:");
    }

    @Test
    void checkStatusMapsEachClassToItsExitCode() {
        assertThat(Cli.piped()
                        .run("--check-status", server().url("/status/301"))
                        .exitCode())
                .isEqualTo(3);
        assertThat(Cli.piped()
                        .run("--check-status", server().url("/status/404"))
                        .exitCode())
                .isEqualTo(4);
        Cli.Result serverError = Cli.piped().run("--check-status", server().url("/status/503"));
        assertThat(serverError.exitCode()).isEqualTo(5);
        assertThat(serverError.err()).isEqualTo("posthaste: warning: HTTP 503 Service Unavailable\n");
        assertThat(Cli.piped().run(server().url("/status/500")).exitCode()).isZero();
        assertThat(Cli.piped()
                        .run("--check-status", server().url("/status/204"))
                        .exitCode())
                .isZero();
    }

    @Test
    void offlinePrintsTheWireRequestAndSendsNothing() throws Exception {
        Files.writeString(dir.resolve("n.txt"), "note");
        Cli.Result result = Cli.piped()
                .in(dir)
                .run("--offline", "PUT", "example.org/api/items/1?x=1", "done:=true", "q==a b", "X-Id:7");
        assertThat(result.exitCode()).isZero();
        assertThat(result.out())
                .isEqualTo("PUT /api/items/1?x=1&q=a%20b HTTP/1.1\n"
                        + "Host: example.org\n"
                        + "X-Id: 7\n"
                        + "Accept: application/json, */*;q=0.5\n"
                        + "Accept-Encoding: gzip, deflate, br, zstd\n"
                        + "User-Agent: posthaste/" + io.posthaste.ClientSession.VERSION + "\n"
                        + "Content-Type: application/json\n"
                        + "Content-Length: 13\n"
                        + "\n"
                        + "{\"done\":true}\n\n");
        Cli.Result get = Cli.piped().run("--offline", ":" + server().port() + "/get");
        assertThat(get.out())
                .isEqualTo("GET /get HTTP/1.1\nHost: localhost:" + server().port()
                        + "\nAccept: */*\nAccept-Encoding: gzip, deflate, br, zstd\nUser-Agent: posthaste/"
                        + io.posthaste.ClientSession.VERSION + "\n\n");
        assertThat(server().requestCount()).isZero();
    }

    @Test
    void offlineShowsMultipartBodiesAndPrettyJsonOnATerminal() throws Exception {
        Files.writeString(dir.resolve("a.txt"), "file text");
        Cli.Result multipart = Cli.piped().in(dir).run("--offline", "example.org", "f@a.txt", "k=v");
        assertThat(multipart.out())
                .contains(
                        "Content-Type: multipart/form-data; boundary=",
                        "Content-Disposition: form-data; name=\"f\"; filename=\"a.txt\"",
                        "file text",
                        "Content-Disposition: form-data; name=\"k\"");
        Cli.Result pretty = Cli.onTerminal().noColor().run("--offline", "example.org", "a:=[1]");
        assertThat(pretty.out()).endsWith("\n\n{\n    \"a\": [\n        1\n    ]\n}\n\n");
    }

    @Test
    void downloadSavesTheBodyUnderANameFromTheUrl() throws Exception {
        Cli.Result result = Cli.piped().in(dir).run("-d", server().url("/bytes/3000"));
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.outBytes()).isEmpty();
        assertThat(Files.size(dir.resolve("3000.bin"))).isEqualTo(3000);
        assertThat(result.err()).contains("Downloading 2.9 KiB to", "Done. 2.9 KiB saved");
        Cli.Result again = Cli.piped().in(dir).run("-d", server().url("/bytes/10"));
        assertThat(again.exitCode()).isZero();
        Cli.Result clash = Cli.piped().in(dir).run("--download", server().url("/bytes/3000"));
        assertThat(clash.exitCode()).isZero();
        assertThat(Files.size(dir.resolve("3000-1.bin"))).isEqualTo(3000);
    }

    @Test
    void downloadWithOutputUsesThatNameAndPrefersContentDisposition() throws Exception {
        Cli.Result named = Cli.piped().in(dir).run("-d", "-o", "mine.json", server().url("/get"));
        assertThat(named.exitCode()).isZero();
        assertThat(Files.readString(dir.resolve("mine.json"))).contains("\"url\"");
        server().enqueue(MockResponse.builder()
                .header("Content-Disposition", "attachment; filename=\"../r.csv\"")
                .body("a,b\n")
                .build());
        assertThat(Cli.piped().in(dir).run("-d", server().url("/export")).exitCode())
                .isZero();
        assertThat(Files.readString(dir.resolve("r.csv"))).isEqualTo("a,b\n");
    }

    @Test
    void downloadOfAnErrorPrintsItInsteadOfSavingIt() throws Exception {
        Cli.Result result = Cli.piped().in(dir).run("-d", "--check-status", server().url("/status/404"));
        assertThat(result.exitCode()).isEqualTo(4);
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void outputWithoutDownloadWritesWhatWouldBePrinted() throws Exception {
        Cli.Result result = Cli.onTerminal().in(dir).run("-o", "out.txt", server().url("/get"));
        assertThat(result.exitCode()).isZero();
        assertThat(result.outBytes()).isEmpty();
        String saved = Files.readString(dir.resolve("out.txt"));
        assertThat(saved).startsWith("{").doesNotContain("\u001b[");
    }
}
