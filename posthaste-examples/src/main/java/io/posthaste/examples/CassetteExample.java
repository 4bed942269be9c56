package io.posthaste.examples;

import io.posthaste.ClientSession;
import io.posthaste.Response;
import io.posthaste.testing.TestServer;
import io.posthaste.testing.cassette.Cassette;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The README's cassette example as runnable code: an exchange recorded once against a live
 * server, then replayed with no server at all. Without arguments it records against the embedded
 * {@link TestServer} and stops it before replaying:
 * {@snippet lang=shell :
 * java io.posthaste.examples.CassetteExample
 * }
 */
public final class CassetteExample {

    private CassetteExample() {}

    /**
     * Sends {@code GET url} through the cassette in {@code file} with {@code mode} and returns the
     * body: live and recorded in {@link Cassette.Mode#RECORD}, from the file in
     * {@link Cassette.Mode#REPLAY}.
     */
    public static String fetch(String url, Path file, Cassette.Mode mode) {
        try (Cassette cassette = Cassette.builder(file)
                        .mode(mode)
                        .redactQueryParameters("api_key") // written as api_key=REDACTED
                        .open();
                ClientSession session = ClientSession.builder()
                        .addNetworkInterceptor(cassette.interceptor())
                        .build()) {
            Response response = session.get(url).bearerAuth("my-token").send(); // Authorization: REDACTED
            return response.text();
        } // closing the cassette writes the file
    }

    /** Records against the embedded server, stops it, then replays. */
    public static void main(String[] args) throws IOException {
        Path file = Files.createTempDirectory("posthaste-cassettes").resolve("uuid.json");
        String url;
        try (TestServer server = TestServer.start()) {
            url = server.url("/uuid?api_key=secret");
            System.out.println(
                    "recorded: " + fetch(url, file, Cassette.Mode.RECORD).length() + " bytes");
        }
        System.out.println("replayed: " + fetch(url, file, Cassette.Mode.REPLAY).length() + " bytes, no server");
        System.out.println(Files.readString(file));
    }
}
