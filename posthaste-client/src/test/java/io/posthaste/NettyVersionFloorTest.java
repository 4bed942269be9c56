package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.Version;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Netty on the class path at run time is no older than the security floor the build pins
 * (4.2.18.Final): a dependency that drags in an older Netty jar fails here, not in production.
 */
class NettyVersionFloorTest {

    private static final int[] FLOOR = {4, 2, 18};

    @Test
    void everyNettyArtifactIsAtLeastTheSecurityFloor() {
        Map<String, Version> versions = Version.identify();
        assertThat(versions).as("Netty's version metadata").isNotEmpty().containsKey("netty-codec-http");
        versions.forEach((artifact, version) -> {
            String[] parts = version.artifactVersion().split("[.-]");
            int[] numbers = {Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2])};
            assertThat(compare(numbers, FLOOR))
                    .as(artifact + " " + version.artifactVersion())
                    .isGreaterThanOrEqualTo(0);
        });
    }

    private static int compare(int[] a, int[] b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                return Integer.compare(a[i], b[i]);
            }
        }
        return 0;
    }
}
