package io.posthaste.internal.body;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/**
 * Where multipart boundaries come from (security checklist A5). The statistics of the boundaries
 * themselves are checked through the public API in {@code RequestBodiesTest}; no statistics can
 * tell {@link java.util.Random} from {@link SecureRandom} on a hundred thousand samples, so the
 * source is checked here, by what it is.
 */
class MultipartEncodingTest {

    @Test
    void boundariesComeFromSecureRandom() {
        assertThat(MultipartEncoding.boundarySource()).isInstanceOf(SecureRandom.class);
    }
}
