package io.posthaste.internal.decode;

import java.io.IOException;
import java.util.zip.CRC32;

/**
 * Reads one gzip member header (RFC 1952 §2.3) as its bytes arrive, split anywhere, and keeps
 * none of its variable parts: the extra field is skipped and the file name and comment are only
 * scanned for their closing NUL, so the memory used is the same whatever the header holds, and
 * every byte is looked at once.
 *
 * <p>A header may be at most {@value #MAX_BYTES} bytes in all. Nothing is decoded while it is read,
 * so neither the decoded-size limit nor the bomb ratio sees it; this limit is what stops a file
 * name or comment that never ends, and an extra field too long to fit is refused as soon as its
 * length arrives. Encoders write a few dozen bytes here, and Go's reader refuses names and
 * comments over 511 bytes, so the limit costs nothing real. The header CRC (FHCRC), when present,
 * is checked; reserved flag bits are ignored, as the JDK, Go and Python do.
 *
 * <p>Not thread-safe; reused member after member by one {@link GzipDecoder}.
 */
final class GzipHeader {

    /** The most bytes a member header may take, all its parts together. */
    static final int MAX_BYTES = 64 * 1024;

    private static final int FIXED_LENGTH = 10;
    private static final int FHCRC = 0x02;
    private static final int FEXTRA = 0x04;
    private static final int FNAME = 0x08;
    private static final int FCOMMENT = 0x10;

    /** The parts of a header in the order they come; each but FIXED only when its flag is set. */
    private enum Part {
        FIXED,
        EXTRA_LENGTH,
        EXTRA,
        NAME,
        COMMENT,
        HEADER_CRC,
        DONE
    }

    private final CRC32 crc = new CRC32();
    /** The fixed part as it arrives, then the two bytes of the extra field's length or the CRC. */
    private final byte[] field = new byte[FIXED_LENGTH];

    private Part part;
    private int filled;
    private int flags;
    private int extraLeft;
    private int length;
    private boolean afterMember;

    GzipHeader() {
        start(false);
    }

    /**
     * Starts reading a new header; {@code afterMember} says whether one member ended just before,
     * so that bytes that start no member are reported as what follows it, not as a wrong format.
     */
    void start(boolean afterMember) {
        this.afterMember = afterMember;
        part = Part.FIXED;
        filled = 0;
        flags = 0;
        extraLeft = 0;
        length = 0;
        crc.reset();
    }

    /** Returns whether the whole header has been read. */
    boolean complete() {
        return part == Part.DONE;
    }

    /**
     * Reads header bytes from {@code b[off, end)}.
     *
     * @return the index just after the header if it ended in this piece, else {@code end}
     * @throws IOException if the bytes are no gzip header, pass {@value #MAX_BYTES} bytes or fail
     *     the header CRC
     */
    int read(byte[] b, int off, int end) throws IOException {
        while (off < end && part != Part.DONE) {
            int from = off;
            off = switch (part) {
                case FIXED -> readFixed(b, off, end);
                case EXTRA_LENGTH -> readExtraLength(b, off, end);
                case EXTRA -> skipExtra(b, off, end);
                case NAME, COMMENT -> scanToNul(b, off, end);
                case HEADER_CRC -> readHeaderCrc(b, off, end);
                case DONE -> throw new IllegalStateException();
            };
            length += off - from;
            if (length > MAX_BYTES) {
                throw tooLong("");
            }
        }
        return off;
    }

    private int readFixed(byte[] b, int off, int end) throws IOException {
        int n = Math.min(FIXED_LENGTH - filled, end - off);
        System.arraycopy(b, off, field, filled, n);
        crc.update(b, off, n);
        filled += n;
        // Checked as the bytes arrive, so that a stray byte after a member fails at once.
        if ((field[0] & 0xff) != 0x1f || filled > 1 && (field[1] & 0xff) != 0x8b || filled > 2 && field[2] != 8) {
            throw new IOException(
                    afterMember
                            ? "data after the gzip member's trailer does not start another member"
                            : "not gzip data (bad magic number or compression method)");
        }
        if (filled == FIXED_LENGTH) {
            flags = field[3] & 0xff;
            advanceFrom(Part.FIXED);
        }
        return off + n;
    }

    private int readExtraLength(byte[] b, int off, int end) throws IOException {
        int n = readField(b, off, end);
        if (filled == 2) {
            extraLeft = (field[0] & 0xff) | (field[1] & 0xff) << 8;
            if (length + n + extraLeft > MAX_BYTES) {
                throw tooLong(": its extra field is " + extraLeft + " bytes");
            }
            if (extraLeft == 0) {
                advanceFrom(Part.EXTRA);
            } else {
                part = Part.EXTRA;
            }
        }
        return off + n;
    }

    private int skipExtra(byte[] b, int off, int end) {
        int n = Math.min(extraLeft, end - off);
        crc.update(b, off, n); // skipped, never copied, but covered by FHCRC
        extraLeft -= n;
        if (extraLeft == 0) {
            advanceFrom(Part.EXTRA);
        }
        return off + n;
    }

    private int scanToNul(byte[] b, int off, int end) throws IOException {
        int allowed = MAX_BYTES - length;
        int stop = off + Math.min(end - off, allowed);
        for (int i = off; i < stop; i++) {
            if (b[i] == 0) {
                crc.update(b, off, i + 1 - off);
                advanceFrom(part);
                return i + 1;
            }
        }
        if (stop < end) {
            throw tooLong(": its " + (part == Part.NAME ? "file name" : "comment") + " does not end");
        }
        crc.update(b, off, stop - off);
        return stop;
    }

    private int readHeaderCrc(byte[] b, int off, int end) throws IOException {
        int n = readField(b, off, end);
        if (filled == 2) {
            int expected = (field[0] & 0xff) | (field[1] & 0xff) << 8;
            if (expected != (int) (crc.getValue() & 0xffff)) {
                throw new IOException("gzip header's CRC does not match the header");
            }
            advanceFrom(Part.HEADER_CRC);
        }
        return off + n;
    }

    /** Copies what it can of a two-byte length or CRC and returns how many bytes it took. */
    private int readField(byte[] b, int off, int end) {
        int n = Math.min(2 - filled, end - off);
        System.arraycopy(b, off, field, filled, n);
        if (part != Part.HEADER_CRC) {
            crc.update(b, off, n);
        }
        filled += n;
        return n;
    }

    private void advanceFrom(Part done) {
        Part next = done;
        do {
            next = Part.values()[next.ordinal() + 1];
        } while (!present(next));
        part = next;
        filled = 0;
    }

    private boolean present(Part candidate) {
        return switch (candidate) {
            case FIXED, EXTRA -> false; // EXTRA is entered from EXTRA_LENGTH, never skipped to
            case EXTRA_LENGTH -> (flags & FEXTRA) != 0;
            case NAME -> (flags & FNAME) != 0;
            case COMMENT -> (flags & FCOMMENT) != 0;
            case HEADER_CRC -> (flags & FHCRC) != 0;
            case DONE -> true;
        };
    }

    private static IOException tooLong(String why) {
        return new IOException("gzip header passes the limit of " + MAX_BYTES + " bytes" + why);
    }
}
