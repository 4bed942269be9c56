package io.posthaste;

import io.posthaste.internal.url.FormEncoding;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An {@code application/x-www-form-urlencoded} body, as an HTML form sends it. Fields keep their
 * order and a name may repeat. Encoded in UTF-8 by default, with no {@code charset} parameter (as
 * browsers and aiohttp do); another charset adds {@code ; charset=NAME}. Immutable and replayable.
 *
 * {@snippet :
 * Body form = FormBody.builder().add("tag", "a").add("tag", "b").build(); // tag=a&tag=b
 * }
 */
public final class FormBody implements Body {

    private final List<Map.Entry<String, String>> fields;
    private final MediaType contentType;
    private final byte[] encoded;

    private FormBody(List<Map.Entry<String, String>> fields, Charset charset) {
        this.fields = List.copyOf(fields);
        this.contentType = charset.equals(StandardCharsets.UTF_8)
                ? MediaType.FORM_URLENCODED
                : MediaType.parse("application/x-www-form-urlencoded; charset=" + charset.name());
        this.encoded = FormEncoding.encode(this.fields, charset);
    }

    /** Returns a UTF-8 form of {@code fields}, in the map's iteration order. */
    public static FormBody of(Map<String, String> fields) {
        Builder builder = builder();
        fields.forEach(builder::add);
        return builder.build();
    }

    /** Returns an empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the fields in order. */
    public List<Map.Entry<String, String>> fields() {
        return fields;
    }

    @Override
    public MediaType contentType() {
        return contentType;
    }

    @Override
    public long contentLength() {
        return encoded.length;
    }

    @Override
    public boolean isReplayable() {
        return true;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        out.write(encoded);
    }

    @Override
    public String toString() {
        return "FormBody" + fields.stream().map(Map.Entry::getKey).toList();
    }

    /** Collects fields for a {@link FormBody}; not thread-safe. */
    public static final class Builder {
        private final List<Map.Entry<String, String>> fields = new ArrayList<>();
        private Charset charset = StandardCharsets.UTF_8;

        private Builder() {}

        /** Appends a field; a name may be added more than once. */
        public Builder add(String name, String value) {
            fields.add(Map.entry(
                    Objects.requireNonNull(name, "name"),
                    Objects.requireNonNull(value, () -> "value of form field " + name)));
            return this;
        }

        /** Sets the charset to encode with; default UTF-8. */
        public Builder charset(Charset charset) {
            this.charset = Objects.requireNonNull(charset, "charset");
            return this;
        }

        /** Returns whether no field has been added. */
        public boolean isEmpty() {
            return fields.isEmpty();
        }

        /** Returns the fields added so far, in order. */
        public List<Map.Entry<String, String>> fields() {
            return List.copyOf(fields);
        }

        /** Returns the form. */
        public FormBody build() {
            return new FormBody(fields, charset);
        }
    }
}
