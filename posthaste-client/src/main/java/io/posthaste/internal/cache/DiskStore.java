package io.posthaste.internal.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The cache's files: one per key, named by the SHA-256 of the key, at most {@code maxBytes} in
 * all, the least recently used removed first. Thread-safe.
 *
 * <p>Crash-safe: an entry is written whole to a temporary file and then moved over the old one
 * in one atomic step, so a reader sees the old entry or the new one, never a mix; temporary files
 * a crash left behind are deleted by {@link #open}, and an entry whose checksum fails (a damaged
 * disk, a foreign file) reads as absent and is deleted. The recency order survives a restart
 * through the files' modification times, which a read refreshes.
 *
 * <p>The index is guarded by this object's monitor, held only for map updates and renames, never
 * while a file is read or written.
 */
public final class DiskStore {

    private static final String ENTRY = ".entry";
    private static final String TEMPORARY = ".tmp";

    private final Path directory;
    private final long maxBytes;
    /** File name to size, in access order: the first is the least recently used. */
    private final LinkedHashMap<String, Long> index = new LinkedHashMap<>(64, 0.75f, true);

    private long totalBytes;

    private DiskStore(Path directory, long maxBytes) {
        this.directory = directory;
        this.maxBytes = maxBytes;
    }

    /**
     * Opens the store in {@code directory}, creating it if needed, and indexes the entries there,
     * least recently used first.
     *
     * @throws UncheckedIOException if the directory cannot be created or listed
     */
    public static DiskStore open(Path directory, long maxBytes) {
        DiskStore store = new DiskStore(directory, maxBytes);
        try {
            Files.createDirectories(directory);
            List<Path> entries = new ArrayList<>();
            try (Stream<Path> files = Files.list(directory)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    String name = file.getFileName().toString();
                    if (name.endsWith(TEMPORARY)) {
                        Files.deleteIfExists(file); // a write a crash interrupted: never an entry
                    } else if (name.endsWith(ENTRY)) {
                        entries.add(file);
                    }
                }
            }
            entries.sort((a, b) -> modified(a).compareTo(modified(b)));
            synchronized (store) {
                for (Path entry : entries) {
                    long size = Files.size(entry);
                    store.index.put(entry.getFileName().toString(), size);
                    store.totalBytes += size;
                }
                store.evict();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the HTTP cache in " + directory, e);
        }
        return store;
    }

    /** Returns the entry stored under {@code key}, or {@code null} if there is none usable. */
    public StoredResponse get(String key) {
        String name = fileName(key);
        synchronized (this) {
            if (index.get(name) == null) {
                return null;
            }
        }
        Path file = directory.resolve(name);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            forget(name, false); // evicted or replaced while we looked
            return null;
        } catch (IOException e) {
            return null;
        }
        StoredResponse stored = StoredResponse.decode(bytes);
        if (stored == null || !stored.url().equals(key)) {
            forget(name, true);
            return null;
        }
        try {
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException e) {
            // Only the recency across a restart is lost.
        }
        return stored;
    }

    /**
     * Stores {@code response} under its URL, replacing any entry there; one larger than the whole
     * store is not kept (and the old one is removed). Returns whether it was stored.
     */
    public boolean put(StoredResponse response) {
        String name = fileName(response.url());
        byte[] bytes;
        try {
            bytes = response.encode();
        } catch (IOException e) {
            remove(response.url());
            return false;
        }
        if (bytes.length > maxBytes) {
            remove(response.url());
            return false;
        }
        Path target = directory.resolve(name);
        Path temporary = directory.resolve(name + "." + UUID.randomUUID() + TEMPORARY);
        try {
            Files.write(temporary, bytes);
            synchronized (this) {
                move(temporary, target);
                Long previous = index.put(name, (long) bytes.length);
                totalBytes += bytes.length - (previous == null ? 0 : previous);
                evict();
            }
            return true;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // open() deletes it next time.
            }
            return false;
        }
    }

    /** Removes the entry stored under {@code key}, if any. */
    public void remove(String key) {
        forget(fileName(key), true);
    }

    /** Returns the bytes the entries take on disk. */
    public synchronized long sizeBytes() {
        return totalBytes;
    }

    /** Returns how many entries there are. */
    public synchronized int count() {
        return index.size();
    }

    private synchronized void forget(String name, boolean delete) {
        Long size = index.remove(name);
        if (size != null) {
            totalBytes -= size;
        }
        if (delete) {
            deleteQuietly(directory.resolve(name));
        }
    }

    /** Removes the least recently used entries until the store is within its bound. */
    private void evict() {
        Iterator<Map.Entry<String, Long>> eldest = index.entrySet().iterator();
        while (totalBytes > maxBytes && eldest.hasNext()) {
            Map.Entry<String, Long> entry = eldest.next();
            totalBytes -= entry.getValue();
            eldest.remove();
            deleteQuietly(directory.resolve(entry.getKey()));
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // Same directory, so this only happens on file systems without rename: still whole.
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A file we cannot delete stays out of the index: it is never read again.
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static String fileName(String key) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha256.digest(key.getBytes(StandardCharsets.UTF_8))) + ENTRY;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
