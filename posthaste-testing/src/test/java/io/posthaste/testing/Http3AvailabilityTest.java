package io.posthaste.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Where HTTP/3 can be served: the QUIC native library is shipped for linux-x86_64 only. */
class Http3AvailabilityTest {

    @Test
    void http3IsAvailableOnLinuxX8664WhereTheNativeLibraryIsShipped() {
        boolean linuxX8664 =
                System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
                        && System.getProperty("os.arch").matches("amd64|x86_64");
        assumeTrue(linuxX8664, "the QUIC native is shipped for linux-x86_64 only");
        assertThat(TestServer.http3Available()).isTrue();
        try (TestServer server = TestServer.builder().http3().start()) {
            assertThat(server.toString()).contains("https://localhost:" + server.port(), "h3");
        }
    }
}
