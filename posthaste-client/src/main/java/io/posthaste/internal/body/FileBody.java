package io.posthaste.internal.body;

import io.posthaste.Body;
import io.posthaste.InvalidRequestException;
import io.posthaste.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A body read from a file, with the length measured when the body was made. The transport sends
 * it zero-copy where it can; {@link #writeTo(OutputStream)} is the portable path.
 */
public record FileBody(Path path, long length, MediaType contentType) implements Body {

    /**
     * Returns a body for {@code path}, guessing the type from the file name when none is given.
     *
     * @throws InvalidRequestException naming the absolute path if the file is missing, is not a
     *     regular file (a directory, a device...) or cannot be read
     */
    public static FileBody of(Path path, MediaType contentType) {
        return of(path, contentType, null);
    }

    /**
     * Returns a body for {@code path}, as {@link #of(Path, MediaType)} does, for a request that is
     * being built: a failure's message starts with {@code request}.
     *
     * @param request the method and redacted URL, e.g. {@code "POST https://h/upload"}, asked for
     *     only on failure; {@code null} when the body is made before its request
     */
    public static FileBody of(Path path, MediaType contentType, Supplier<String> request) {
        Objects.requireNonNull(path, "file");
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw unusable(request, path, "it does not exist", e);
        } catch (IOException e) {
            throw unusable(request, path, "it cannot be read (" + e.getClass().getSimpleName() + ")", e);
        }
        if (attributes.isDirectory()) {
            throw unusable(request, path, "it is a directory", null);
        }
        if (!attributes.isRegularFile()) {
            throw unusable(request, path, "it is not a regular file", null);
        }
        if (!Files.isReadable(path)) {
            throw unusable(request, path, "it is not readable", null);
        }
        return new FileBody(
                path,
                attributes.size(),
                contentType != null
                        ? contentType
                        : MimeTypes.guess(path.getFileName().toString()));
    }

    private static InvalidRequestException unusable(
            Supplier<String> request, Path path, String problem, Exception cause) {
        // The absolute path: a relative one says nothing about the directory it was resolved in.
        String message = "cannot send the file " + path.toAbsolutePath() + ": " + problem;
        return new InvalidRequestException(request == null ? message : request.get() + ": " + message, cause);
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
                throw new IOException(
                        path + " changed size from " + length + " to " + copied + " bytes while it was being sent");
            }
        }
    }
}
