package io.posthaste;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.posthaste.internal.json.JacksonCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Type;
import org.jspecify.annotations.Nullable;

/**
 * Turns values into JSON for {@link RequestBuilder#json(Object)} and JSON back into values for
 * {@link Response#json(Class)} and {@link ClientResponseException#bodyAs(Class)}. Hand your own
 * mapper to {@link #jackson(ObjectMapper)}, or implement this interface to use another library.
 * Implementations must be thread-safe.
 *
 * <p>The default, {@link #jackson()}, is Jackson's {@link ObjectMapper} with one change from
 * Jackson's own defaults: <strong>properties the target type does not declare are ignored</strong>
 * ({@code DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES} off, as in Spring Boot), because
 * public APIs add fields to their answers and a record or DTO written against an older version
 * must keep reading them. For strict reading, which fails with {@link ClientPayloadException}
 * on an unknown property, hand over a mapper with the feature on:
 *
 * {@snippet :
 * ObjectMapper strict = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
 * ClientSession session = ClientSession.builder().jsonCodec(JsonCodec.jackson(strict)).build();
 * }
 */
public interface JsonCodec {

    /**
     * Writes {@code value} as UTF-8 JSON to {@code out}; does not close it.
     *
     * @throws IOException if the value cannot be serialised
     */
    void write(Object value, OutputStream out) throws IOException;

    /**
     * Reads UTF-8 JSON into a value of {@code type}.
     *
     * @param json the bytes, never empty
     * @param type the target type; {@code JsonNode.class} asks for a tree
     * @return the value; {@code null} for the JSON literal {@code null}, as Jackson reads it
     * @throws IOException if the bytes are not valid JSON for {@code type}
     */
    <T> @Nullable T read(byte[] json, Type type) throws IOException;

    /**
     * Returns the default codec: Jackson with unknown properties ignored (see above), shared by
     * every session that does not set its own.
     */
    static JsonCodec jackson() {
        return JacksonCodec.DEFAULT;
    }

    /**
     * Returns a codec backed by {@code mapper}, used as it is configured: a plain
     * {@code new ObjectMapper()} fails on unknown properties.
     */
    static JsonCodec jackson(ObjectMapper mapper) {
        return new JacksonCodec(mapper);
    }
}
