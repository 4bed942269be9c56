package io.posthaste.examples;

import io.posthaste.ClientSession;
import io.posthaste.Response;
import java.nio.file.Path;

/**
 * The README's one-liners for reaching a network as runnable code: trusting a private CA, mutual
 * TLS, a proxy (HTTP, HTTPS or SOCKS, with credentials in its URL), and an HTTP server on a Unix
 * domain socket. Each builds its session in one line and sends one GET,
 * returning the answer's text. The examples module's tests run them against local servers and
 * proxies.
 */
public final class NetworkExamples {

    private NetworkExamples() {}

    /** GETs {@code url} from a server whose certificate a private CA in {@code caPem} issued. */
    public static String trustPrivateCa(String url, Path caPem) {
        try (ClientSession session = ClientSession.builder().trustPem(caPem).build()) {
            return session.get(url).send().text();
        }
    }

    /** GETs {@code url} from a mutual-TLS server, presenting the client certificate in {@code cert} and {@code key}. */
    public static String mutualTls(String url, Path caPem, Path cert, Path key) {
        try (ClientSession session = ClientSession.builder()
                .trustPem(caPem)
                .clientCertificate(cert, key)
                .build()) {
            return session.get(url).send().text();
        }
    }

    /** GETs {@code url} through the proxy {@code proxyUrl}, e.g. {@code http://user:pw@proxy:3128} or {@code socks5h://proxy:1080}. */
    public static String throughProxy(String url, String proxyUrl) {
        try (ClientSession session = ClientSession.builder().proxy(proxyUrl).build()) {
            Response response = session.get(url).send();
            // One request of the session may go another way: straight to its origin.
            session.get(url).noProxy().send();
            return response.text();
        }
    }

    /** GETs {@code url} from a server on the Unix domain socket {@code socket}: the URL's host is the Host header. */
    public static String overUnixSocket(String url, Path socket) {
        try (ClientSession session = ClientSession.builder().unixSocket(socket).build()) {
            return session.get(url).send().text();
        }
    }
}
