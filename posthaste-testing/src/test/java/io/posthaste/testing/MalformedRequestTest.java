package io.posthaste.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MalformedRequestTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            bare LF line ends                | GET / HTTP/1.1\\nHost: h\\n\\n                                   | 400
            bare CR                          | GET / HTTP/1.1\\rHost: h\\r\\n\\r\\n                              | 400
            missing Host                     | GET / HTTP/1.1\\r\\n\\r\\n                                         | 400
            two Host headers                 | GET / HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n                 | 400
            space before colon               | GET / HTTP/1.1\\r\\nHost : h\\r\\n\\r\\n                            | 400
            obsolete line folding            | GET / HTTP/1.1\\r\\nHost: h\\r\\nX: a\\r\\n b\\r\\n\\r\\n             | 400
            both framings                    | POST / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: 3\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n | 400
            conflicting lengths              | POST / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: 3\\r\\nContent-Length: 4\\r\\n\\r\\n | 400
            negative length                  | POST / HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: -1\\r\\n\\r\\n      | 400
            unknown transfer coding          | POST / HTTP/1.1\\r\\nHost: h\\r\\nTransfer-Encoding: gzip\\r\\n\\r\\n | 400
            bad chunk size                   | POST / HTTP/1.1\\r\\nHost: h\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\n | 400
            chunk without CRLF               | POST / HTTP/1.1\\r\\nHost: h\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n1\\r\\nab | 400
            TLS hello on plain port          | \\u0016\\u0003\\u0001\\u0002\\u0000\\u0001                             | 400
            space in target                  | GET /a b HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n                          | 400
            unsupported version              | GET / HTTP/2.0\\r\\nHost: h\\r\\n\\r\\n                             | 505
            garbage version                  | GET / HTTX/1.1\\r\\nHost: h\\r\\n\\r\\n                             | 400
            control character in value       | GET / HTTP/1.1\\r\\nHost: h\\r\\nX: a\\u0001b\\r\\n\\r\\n               | 400
            """)
    void malformedRequestGetsAnErrorStatusAndAClosedConnection(String name, String request, int status)
            throws Exception {
        try (RawClient c = new RawClient(server)) {
            RawClient.Response r = c.send(unescape(request).getBytes(StandardCharsets.ISO_8859_1))
                    .read();
            assertThat(r.status()).isEqualTo(status);
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            request line too long  | 17000 | 0     | 414
            header section too big | 0     | 70000 | 431
            """)
    void oversizedHeadsAreRefused(String name, int targetLength, int headerLength, int status) throws Exception {
        String request = "GET /" + "a".repeat(targetLength) + " HTTP/1.1\r\nHost: h\r\nX-Big: "
                + "b".repeat(headerLength) + "\r\n\r\n";
        try (RawClient c = new RawClient(server)) {
            assertThat(c.send(request).read().status()).isEqualTo(status);
        }
    }

    private static String unescape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 'u' -> {
                    sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> sb.append(e);
            }
        }
        return sb.toString();
    }
}
