package io.posthaste.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** Large files with known digests, written under {@code target/interop/files}. */
final class TestFiles {

    private static final int BLOCK = 1 << 20;

    private TestFiles() {}

    /**
     * Writes {@code size} pseudo-random bytes (incompressible, so no layer can shortcut them) to
     * {@code name} and returns the file.
     */
    static Path random(String name, long size, long seed) {
        Path file = Commands.workDir().resolve("files").resolve(name);
        SplittableRandom random = new SplittableRandom(seed);
        byte[] block = new byte[BLOCK];
        try {
            Files.createDirectories(file.getParent());
            try (OutputStream out = Files.newOutputStream(file)) {
                for (long written = 0; written < size; written += BLOCK) {
                    for (int i = 0; i < BLOCK; i += 8) {
                        long value = random.nextLong();
                        for (int b = 0; b < 8; b++) {
                            block[i + b] = (byte) (value >>> (8 * b));
                        }
                    }
                    out.write(block, 0, (int) Math.min(BLOCK, size - written));
                }
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    /** Reads {@code in} to its end, bounded only by its own length, and returns its SHA-256. */
    static String sha256(InputStream in) throws IOException {
        MessageDigest digest = digest();
        byte[] buffer = new byte[64 * 1024];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
