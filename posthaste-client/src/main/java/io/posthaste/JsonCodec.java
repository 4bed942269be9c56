package io.posthaste;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.posthaste.internal.codec.JacksonCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Type;

/**
 * Turns values into JSON for {@link RequestBuilder#json(Object)} and JSON back into values for
 * {@link Response#json(Class)}. The default is Jackson with a plain {@link ObjectMapper}; hand your
 * own mapper to {@link #jackson(ObjectMapper)}, or implement this interface to use another library.
 * Implementations must be thread-safe.
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
     * @throws IOException if the bytes are not valid JSON for {@code type}
     */
    <T> T read(byte[] json, Type type) throws IOException;

    /** Returns the default codec: Jackson with a plain {@link ObjectMapper}. */
    static JsonCodec jackson() {
        return JacksonCodec.DEFAULT;
    }

    /** Returns a codec backed by {@code mapper}, configured as the caller likes. */
    static JsonCodec jackson(ObjectMapper mapper) {
        return new JacksonCodec(mapper);
    }
}
