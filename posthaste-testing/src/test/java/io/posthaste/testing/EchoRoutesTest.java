package io.posthaste.testing;

import static io.posthaste.testing.Http.get;
import static io.posthaste.testing.Http.json;
import static io.posthaste.testing.Http.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.posthaste.testing.internal.Json;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EchoRoutesTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void getEchoesArgsHeadersOriginAndUrlWithMultiValuedArgsAsLists() throws Exception {
        HttpResponse<String> r = Http.send(
                HttpRequest.newBuilder(server.uri("/get?a=1&b=x+y&a=2&c")).header("x-auth-token", "secret-token"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        Map<String, Object> body = json(r);
        assertThat(body).containsOnlyKeys("args", "headers", "origin", "url");
        assertThat(map(body.get("args")))
                .containsExactly(Map.entry("a", List.of("1", "2")), Map.entry("b", "x y"), Map.entry("c", ""));
        assertThat(map(body.get("headers")))
                .containsEntry("X-Auth-Token", "secret-token")
                .containsEntry("Host", "127.0.0.1:" + server.port());
        assertThat(body.get("origin")).isEqualTo("127.0.0.1");
        assertThat(body.get("url")).isEqualTo(server.url("/get?a=1&b=x+y&a=2&c"));
    }

    @Test
    void postEchoesJsonBodyAsDataAndJson() throws Exception {
        Map<String, Object> body = json(Http.send(HttpRequest.newBuilder(server.uri("/post"))
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString("{\"key1\": \"value1\", \"n\": [1, 2.5, null]}"))));
        assertThat(body).containsOnlyKeys("args", "data", "files", "form", "headers", "json", "origin", "url");
        assertThat(body.get("data")).isEqualTo("{\"key1\": \"value1\", \"n\": [1, 2.5, null]}");
        assertThat(map(body.get("json"))).containsEntry("key1", "value1");
        assertThat(body.get("form")).isEqualTo(Map.of());
        assertThat(body.get("files")).isEqualTo(Map.of());
    }

    @Test
    void nonJsonBodyGivesNullJsonAndBinaryBodyADataUrl() throws Exception {
        Map<String, Object> text =
                json(Http.send(HttpRequest.newBuilder(server.uri("/put")).PUT(BodyPublishers.ofString("not json"))));
        assertThat(text.get("json")).isSameAs(Json.NULL);
        assertThat(text.get("data")).isEqualTo("not json");
        Map<String, Object> binary = json(Http.send(HttpRequest.newBuilder(server.uri("/patch"))
                .method("PATCH", BodyPublishers.ofByteArray(new byte[] {(byte) 0xff, 0, 1}))));
        assertThat(binary.get("data")).isEqualTo("data:application/octet-stream;base64,/wAB");
    }

    @Test
    void formBodyIsDecodedIntoFormAndLeavesDataEmpty() throws Exception {
        Map<String, Object> body = json(Http.send(HttpRequest.newBuilder(server.uri("/post"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString("username=john&password=1234&tag=a&tag=b%20c"))));
        assertThat(map(body.get("form")))
                .containsEntry("username", "john")
                .containsEntry("password", "1234")
                .containsEntry("tag", List.of("a", "b c"));
        assertThat(body.get("data")).isEqualTo("");
        assertThat(body.get("json")).isSameAs(Json.NULL);
    }

    @Test
    void multipartFilesBecomeTextOrDataUrlsAndFieldsBecomeForm() throws Exception {
        String boundary = "b0undary";
        byte[] pdf = {'%', 'P', 'D', 'F', (byte) 0x80, (byte) 0xff};
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\nvalue\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"notes\"; filename=\"n.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\nplain text\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"upload_file\"; filename=\"r.pdf\"\r\n"
                + "Content-Type: application/pdf\r\n\r\n";
        byte[] body = concat(
                head.getBytes(StandardCharsets.UTF_8),
                pdf,
                ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        Map<String, Object> echoed = json(Http.send(HttpRequest.newBuilder(server.uri("/post"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(BodyPublishers.ofByteArray(body))));
        assertThat(map(echoed.get("form"))).containsExactly(Map.entry("field", "value"));
        assertThat(map(echoed.get("files")))
                .containsEntry("notes", "plain text")
                .containsEntry("upload_file", "data:application/pdf;base64,JVBERoD/");
        assertThat(echoed.get("data")).isEqualTo("");
        RecordedRequest recorded = lastRequest("/post");
        assertThat(recorded.parts()).hasSize(3);
        assertThat(recorded.parts().get(2).content()).isEqualTo(pdf);
        assertThat(recorded.parts().get(2).filename()).isEqualTo("r.pdf");
    }

    @Test
    void anythingAddsTheMethodAndAcceptsAnyMethodAndPath() throws Exception {
        Map<String, Object> body = json(Http.send(
                HttpRequest.newBuilder(server.uri("/anything/deep/path")).method("DELETE", BodyPublishers.noBody())));
        assertThat(body.get("method")).isEqualTo("DELETE");
        assertThat(body).containsKeys("args", "data", "files", "form", "headers", "json", "origin", "url");
    }

    @Test
    void headersRouteCanonicalisesNamesAndHidesProxyHeaders() throws Exception {
        try (RawClient c = new RawClient(server)) {
            String text = c.send("GET /headers HTTP/1.1\r\nhost: h\r\nx-b3-traceid: 1\r\nX_UNDER: u\r\n"
                            + "x-request-id: hidden\r\nx-dup: 1\r\nX-Dup: 2\r\n\r\n")
                    .read()
                    .bodyUtf8();
            Map<String, Object> headers = map(map(Json.parse(text)).get("headers"));
            assertThat(headers).containsOnlyKeys("Host", "X-B3-Traceid", "X-Under", "X-Dup");
            assertThat(headers.get("X-Dup")).isEqualTo("1,2");
        }
    }

    @Test
    void statusRouteAnswersWithReasonPhraseAndHttpbinExtras() throws Exception {
        try (RawClient c = new RawClient(server)) {
            RawClient.Response r422 = c.send(RawClient.get("/status/422")).read();
            assertThat(r422.status()).isEqualTo(422);
            assertThat(r422.reason()).isEqualTo("Unprocessable Entity");
            assertThat(c.send(RawClient.get("/status/500")).read().reason()).isEqualTo("Internal Server Error");
            assertThat(c.send(RawClient.get("/status/302")).read().header("Location"))
                    .isEqualTo("/redirect/1");
            assertThat(c.send(RawClient.get("/status/401")).read().header("WWW-Authenticate"))
                    .isEqualTo("Basic realm=\"Fake Realm\"");
            assertThat(c.send(RawClient.get("/status/204")).read().body()).isEmpty();
            assertThat(c.send(RawClient.get("/status/201,201:2")).read().status())
                    .isEqualTo(201);
            assertThat(c.send(RawClient.get("/status/abc")).read().status()).isEqualTo(400);
            assertThat(c.send(RawClient.get("/status/1000")).read().status()).isEqualTo(400);
        }
    }

    @Test
    void redirectRoutesPointWhereHttpbinPoints() throws Exception {
        String base = "http://127.0.0.1:" + server.port();
        try (RawClient c = new RawClient(server)) {
            String host = "GET %s HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n\r\n";
            assertThat(c.send(host.formatted("/redirect/3")).read().header("Location"))
                    .isEqualTo("/relative-redirect/2");
            assertThat(c.send(host.formatted("/redirect/1")).read().header("Location"))
                    .isEqualTo("/get");
            assertThat(c.send(host.formatted("/redirect/2?absolute=true"))
                            .read()
                            .header("Location"))
                    .isEqualTo(base + "/absolute-redirect/1");
            assertThat(c.send(host.formatted("/relative-redirect/1")).read().header("Location"))
                    .isEqualTo("/get");
            assertThat(c.send(host.formatted("/absolute-redirect/1")).read().header("Location"))
                    .isEqualTo(base + "/get");
            RawClient.Response to = c.send(
                            host.formatted("/redirect-to?url=http%3A%2F%2Fexample.com%2Fx&status_code=307"))
                    .read();
            assertThat(to.status()).isEqualTo(307);
            assertThat(to.header("Location")).isEqualTo("http://example.com/x");
            assertThat(c.send(host.formatted("/redirect-to?url=/get&status_code=200"))
                            .read()
                            .status())
                    .isEqualTo(302);
        }
        HttpResponse<String> followed = java.net.http.HttpClient.newBuilder()
                .followRedirects(java.net.http.HttpClient.Redirect.NORMAL)
                .build()
                .send(HttpRequest.newBuilder(server.uri("/redirect/4")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(followed.uri().getPath()).isEqualTo("/get");
    }

    @Test
    void cookieRoutesSetListAndDelete() throws Exception {
        try (RawClient c = new RawClient(server)) {
            RawClient.Response set =
                    c.send(RawClient.get("/cookies/set?k1=v1&k2=v2")).read();
            assertThat(set.status()).isEqualTo(302);
            assertThat(set.header("Location")).isEqualTo("/cookies");
            assertThat(set.headers())
                    .contains(Map.entry("Set-Cookie", "k1=v1; Path=/"), Map.entry("Set-Cookie", "k2=v2; Path=/"));
            String listed = c.send("GET /cookies HTTP/1.1\r\nHost: h\r\nCookie: k1=v1; k2=v2\r\n\r\n")
                    .read()
                    .bodyUtf8();
            assertThat(map(map(Json.parse(listed)).get("cookies")))
                    .containsEntry("k1", "v1")
                    .containsEntry("k2", "v2");
            RawClient.Response deleted =
                    c.send(RawClient.get("/cookies/delete?k1")).read();
            assertThat(deleted.header("Set-Cookie"))
                    .startsWith("k1=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0");
        }
    }

    @Test
    void authRoutesAcceptTheRightCredentialsOnly() throws Exception {
        String good = java.util.Base64.getEncoder().encodeToString("user:pass".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> ok = Http.send(
                HttpRequest.newBuilder(server.uri("/basic-auth/user/pass")).header("Authorization", "Basic " + good));
        assertThat(json(ok)).containsEntry("authenticated", true).containsEntry("user", "user");
        HttpResponse<String> denied = get(server, "/basic-auth/user/other");
        assertThat(denied.statusCode()).isEqualTo(401);
        assertThat(denied.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"Fake Realm\"");
        HttpResponse<String> bearer =
                Http.send(HttpRequest.newBuilder(server.uri("/bearer")).header("Authorization", "Bearer tok"));
        assertThat(json(bearer)).containsEntry("authenticated", true).containsEntry("token", "tok");
        assertThat(get(server, "/bearer").statusCode()).isEqualTo(401);
    }

    @Test
    void unknownRoutesAre404AndWrongMethods405() throws Exception {
        assertThat(get(server, "/nope").statusCode()).isEqualTo(404);
        HttpResponse<String> wrong = get(server, "/post");
        assertThat(wrong.statusCode()).isEqualTo(405);
        assertThat(wrong.headers().firstValue("Allow")).hasValue("POST, OPTIONS");
        assertThat(get(server, "/bytes/notanumber").statusCode()).isEqualTo(404);
    }

    @Test
    void smallRoutesReturnTheirHttpbinShapes() throws Exception {
        assertThat(json(get(server, "/ip"))).containsExactly(Map.entry("origin", "127.0.0.1"));
        assertThat((String) json(get(server, "/uuid")).get("uuid")).matches("[0-9a-f-]{36}");
        Map<String, Object> rh =
                json(Http.send(HttpRequest.newBuilder(server.uri("/response-headers?X-Foo=1&X-Foo=2"))));
        assertThat(rh).containsEntry("X-Foo", List.of("1", "2")).containsEntry("Content-Type", "application/json");
        HttpResponse<String> echoed = get(server, "/response-headers?X-Foo=1&X-Foo=2");
        assertThat(echoed.headers().allValues("X-Foo")).containsExactly("1", "2");
        assertThat(rh.get("Content-Length"))
                .isEqualTo(echoed.headers().firstValue("Content-Length").orElseThrow());
    }

    static RecordedRequest lastRequest(String path) {
        RecordedRequest last = null;
        for (RecordedRequest r = server.takeRequest(java.time.Duration.ZERO);
                r != null;
                r = server.takeRequest(java.time.Duration.ZERO)) {
            if (r.path().equals(path)) {
                last = r;
            }
        }
        return last;
    }

    static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
