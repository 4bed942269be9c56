package io.posthaste.testing.cassette;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives each test a {@link Cassette} parameter kept in {@code <directory>/<value>.json}, opened
 * before the test and written after it by {@link CassetteExtension}. On a method it overrides
 * the class's.
 * {@snippet :
 * @UseCassette(value = "users", redactQueryParameters = "api_key")
 * class UsersApiTest {
 *     @Test
 *     void listsUsers(Cassette cassette) {
 *         try (ClientSession session = ClientSession.builder()
 *                 .addNetworkInterceptor(cassette.interceptor()).build()) {
 *             assertThat(session.get(USERS_URL).send().status()).isEqualTo(200);
 *         }
 *     }
 * }
 * }
 * The system property {@code posthaste.cassette.mode} (e.g. {@code -Dposthaste.cassette.mode=REPLAY}
 * on CI) overrides every {@link #mode()}.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(CassetteExtension.class)
public @interface UseCassette {

    /** The cassette's name: its file is {@code <directory>/<name>.json}. */
    String value();

    /** The directory of the cassette files, relative to the working directory. */
    String directory() default "src/test/resources/cassettes";

    /** The mode, unless the system property {@code posthaste.cassette.mode} says otherwise. */
    Cassette.Mode mode() default Cassette.Mode.RECORD_NEW;

    /** Headers whose values a request must share with the recorded one to match. */
    String[] matchHeaders() default {};

    /** Whether a request must have the recorded body to match. */
    boolean matchBody() default true;

    /** Headers written as {@code REDACTED}, beyond the sensitive ones. */
    String[] redactHeaders() default {};

    /** Query parameters written as {@code REDACTED}. */
    String[] redactQueryParameters() default {};
}
