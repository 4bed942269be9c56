package io.posthaste.internal.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.posthaste.JsonCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.util.Objects;

/** {@link JsonCodec} on a Jackson {@link ObjectMapper}. */
public final class JacksonCodec implements JsonCodec {

    /**
     * Shared by every session that keeps the default: an ObjectMapper is costly to build. Unknown
     * properties are ignored, as in Spring Boot: a public API adds fields to its answers, and a
     * record written against last year's version must keep working.
     */
    public static final JacksonCodec DEFAULT = new JacksonCodec(new ObjectMapper()
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES));

    private final ObjectMapper mapper;

    public JacksonCodec(ObjectMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    @Override
    public void write(Object value, OutputStream out) throws IOException {
        mapper.writeValue(new NonClosingOutputStream(out), value);
    }

    @Override
    public <T> T read(byte[] json, Type type) throws IOException {
        JavaType javaType = mapper.getTypeFactory().constructType(type);
        return mapper.readValue(json, javaType);
    }

    /** Keeps a caller-supplied mapper with AUTO_CLOSE_TARGET on from closing our stream. */
    private static final class NonClosingOutputStream extends OutputStream {
        private final OutputStream out;

        NonClosingOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }
}
