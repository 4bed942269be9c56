package io.posthaste;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A file written under a temporary name beside its target and renamed onto it once complete, so
 * that the target only ever appears whole. The temporary file is created as any new file is:
 * mode 0666 masked by the process's umask (0644 under the usual 022, as curl and wget leave a
 * download), where {@link Files#createTempFile} would make it private (0600). Not thread-safe.
 */
final class PartialFile implements Closeable {

    /** Name clashes need a file of the same random name: a second try virtually never happens. */
    private static final int MAX_ATTEMPTS = 100;

    private final Path path;
    private final Path target;
    private final OutputStream out;
    private boolean committed;

    private PartialFile(Path path, Path target, OutputStream out) {
        this.path = path;
        this.target = target;
        this.out = out;
    }

    /**
     * Creates {@code .NAME.RANDOM.part} in {@code target}'s directory, where NAME is
     * {@code target}'s file name.
     */
    static PartialFile beside(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        String prefix = "." + absolute.getFileName() + ".";
        for (int attempt = 1; ; attempt++) {
            Path candidate = absolute.resolveSibling(
                    prefix + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".part");
            try {
                // CREATE_NEW is O_EXCL: a file or symbolic link planted under the name is never
                // followed or reused. No permission attribute: the OS masks 0666 with the umask.
                return new PartialFile(
                        candidate,
                        absolute,
                        Files.newOutputStream(candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
            } catch (FileAlreadyExistsException taken) {
                if (attempt == MAX_ATTEMPTS) {
                    throw taken;
                }
            }
        }
    }

    /** Returns the stream that writes the temporary file; {@link #commit()} closes it. */
    OutputStream out() {
        return out;
    }

    /**
     * Closes the temporary file and renames it onto the target, replacing any file there. The
     * rename is atomic: the target is at every moment either the old file or the new one.
     */
    void commit() throws IOException {
        out.close();
        try {
            Files.move(path, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException notHere) {
            // Same directory, so this needs an unusual file system; a plain move is all it has.
            Files.move(path, target, StandardCopyOption.REPLACE_EXISTING);
        }
        committed = true;
    }

    /** Deletes the temporary file unless it was committed. Idempotent. */
    @Override
    public void close() throws IOException {
        try {
            out.close();
        } finally {
            if (!committed) {
                Files.deleteIfExists(path);
            }
        }
    }
}
