package io.posthaste.internal.codec;

import io.posthaste.Body;
import io.posthaste.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A body read from a file, with the length measured when the body was made. The transport sends
 * it zero-copy where it can; {@link #writeTo(OutputStream)} is the portable path.
 */
public record FileBody(Path path, long length, MediaType contentType) implements Body {

    /**
     * Returns a body for {@code path}, guessing the type from the file name when none is given.
     *
     * @throws UncheckedIOException if the file is missing or not a regular readable file
     */
    public static FileBody of(Path path, MediaType contentType) {
        Objects.requireNonNull(path, "file");
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new UncheckedIOException(new java.io.FileNotFoundException(
                    "not a readable regular file: " + path));
        }
        try {
            return new FileBody(path, Files.size(path),
                    contentType != null ? contentType : MimeTypes.guess(path.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + path, e);
        }
    }

    @Override
    public long contentLength() {
        return length;
    }

    @Override
    public boolean isReplayable() {
        return true;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            long copied = in.transferTo(out);
            if (copied != length) {
                throw new IOException(path + " changed size from " + length + " to " + copied
                        + " bytes while it was being sent");
            }
        }
    }
}
