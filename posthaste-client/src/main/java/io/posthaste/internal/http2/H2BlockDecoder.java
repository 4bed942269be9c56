package io.posthaste.internal.http2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * HPACK's decoder, decoding header blocks into {@link H2Fields} (whose names it checks once per
 * name object), and remembering the last block that left HPACK's dynamic table as it found it.
 *
 * <p>Servers answer alike again and again: nginx sends the same bytes for every answer of a
 * second, fields it asks to be indexed included. The same bytes decoded against the same table
 * give the same fields and the same table; so a block equal to the remembered one is not decoded
 * again, when decoding it the first time changed nothing in the table. Whether it did is known
 * from a copy of the table kept beside HPACK's ({@link Shadow}): each block decoded is walked
 * (RFC 7541 section 6), its insertions and size updates applied to the copy, and the copy
 * compared with what it was. A block HPACK refused, or anything the copy cannot follow, ends the
 * remembering for the connection. One per connection, on its event loop.
 */
final class H2BlockDecoder extends DefaultHttp2HeadersDecoder {

    /** The largest block remembered: a response head of ordinary fields. */
    static final int REMEMBERED_BYTES = 1024;

    private final H2Fields.CheckedNames checked = new H2Fields.CheckedNames();
    private final ByteBuf last = Unpooled.wrappedBuffer(new byte[REMEMBERED_BYTES]);
    private int lastLength;
    /** The fields of the remembered block, or null when none is remembered. */
    private H2Fields lastFields;
    /** The copy of HPACK's table, or null once it could not follow. */
    private Shadow shadow = new Shadow();

    /**
     * A decoder that checks names and pseudo-headers when {@code validate}, of blocks that decode
     * to at most {@code maxHeaderListSize} bytes.
     */
    H2BlockDecoder(boolean validate, long maxHeaderListSize) {
        super(validate, maxHeaderListSize, -1);
    }

    @Override
    protected Http2Headers newHeaders() {
        return H2Fields.received(numberOfHeadersGuess(), checked);
    }

    @Override
    public Http2Headers decodeHeaders(int streamId, ByteBuf block) throws Http2Exception {
        int start = block.readerIndex();
        int length = block.readableBytes();
        if (lastFields != null && length == lastLength && ByteBufUtil.equals(block, start, last, 0, length)) {
            block.skipBytes(length);
            return lastFields.copy();
        }
        lastFields = null;
        Shadow table = shadow;
        shadow = null; // Until this block is followed.
        Http2Headers headers = super.decodeHeaders(streamId, block);
        if (table != null && headers instanceof H2Fields fields) {
            List<Object> before = table.entries();
            if (table.follow(block, start, start + length, fields)) {
                shadow = table;
                if (length <= REMEMBERED_BYTES && table.sameAs(before)) {
                    block.getBytes(start, last.array(), 0, length);
                    lastLength = length;
                    lastFields = fields.copy();
                }
            }
        }
        return headers;
    }

    @Override
    public void maxHeaderTableSize(long max) throws Http2Exception {
        if (max != maxHeaderTableSize()) {
            // HPACK may shrink its table or wait for a size update: the copy does not follow that.
            lastFields = null;
            shadow = null;
        }
        super.maxHeaderTableSize(max);
    }

    /**
     * A copy of HPACK's dynamic table (RFC 7541 section 4): entries newest first, evicted oldest
     * first when an insertion or a size update needs the room.
     */
    static final class Shadow {
        /** HPACK's initial table size (section 6.5.2 of RFC 9113). */
        private static final long INITIAL_CAPACITY = 4096;

        private static final int ENTRY_OVERHEAD = 32;

        /** Names and values, alternating, newest first. */
        private final ArrayDeque<CharSequence> texts = new ArrayDeque<>();

        private long capacity = INITIAL_CAPACITY;
        private long size;

        /** Returns the entries as they are now, to compare with later ({@link #sameAs}). */
        List<Object> entries() {
            return new ArrayList<>(texts);
        }

        /** Whether the table holds what {@code entries} held, in the same order. */
        boolean sameAs(List<Object> entries) {
            if (entries.size() != texts.size()) {
                return false;
            }
            Iterator<CharSequence> now = texts.iterator();
            for (Object then : entries) {
                CharSequence text = now.next();
                if (text != then && !AsciiString.contentEquals(text, (CharSequence) then)) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Applies what the block in {@code block[from, to)}, decoded to {@code fields}, did to
         * the table. Returns false if it cannot tell (then the copy is to be dropped).
         */
        boolean follow(ByteBuf block, int from, int to, H2Fields fields) {
            int at = from;
            int field = 0;
            while (at < to) {
                int first = block.getUnsignedByte(at);
                if ((first & 0x80) != 0) { // Indexed field: no change.
                    at = skipInteger(block, at, to, 7);
                    field++;
                } else if ((first & 0xe0) == 0x20) { // Dynamic table size update.
                    long max = readInteger(block, at, to, 5);
                    if (max < 0) {
                        return false;
                    }
                    at = skipInteger(block, at, to, 5);
                    capacity = max;
                    evictTo(capacity);
                } else {
                    boolean indexed = (first & 0xc0) == 0x40;
                    int prefix = indexed ? 6 : 4;
                    boolean literalName = (first & ((1 << prefix) - 1)) == 0;
                    at = skipInteger(block, at, to, prefix);
                    if (literalName) {
                        at = skipString(block, at, to);
                    }
                    at = skipString(block, at, to);
                    if (indexed && at >= 0) {
                        if (field >= fields.size()) {
                            return false;
                        }
                        insert(fields.nameAt(field), fields.valueAt(field));
                    }
                    field++;
                }
                if (at < 0) {
                    return false;
                }
            }
            return at == to && field == fields.size();
        }

        private void insert(CharSequence name, CharSequence value) {
            long entry = name.length() + value.length() + ENTRY_OVERHEAD;
            if (entry > capacity) {
                texts.clear(); // Section 4.4: an entry larger than the table empties it.
                size = 0;
                return;
            }
            evictTo(capacity - entry);
            texts.addFirst(value);
            texts.addFirst(name);
            size += entry;
        }

        private void evictTo(long room) {
            while (size > room && !texts.isEmpty()) {
                CharSequence value = texts.pollLast();
                CharSequence name = texts.pollLast();
                size -= name.length() + value.length() + ENTRY_OVERHEAD;
            }
        }
    }

    /** Reads an integer with an {@code prefixBits} prefix at {@code at}, or -1 if it does not fit. */
    static long readInteger(ByteBuf block, int at, int to, int prefixBits) {
        int prefix = (1 << prefixBits) - 1;
        long value = block.getUnsignedByte(at++) & prefix;
        if (value < prefix) {
            return value;
        }
        for (int shift = 0; at < to && shift <= 28; shift += 7) {
            int next = block.getUnsignedByte(at++);
            value += (long) (next & 0x7f) << shift;
            if ((next & 0x80) == 0) {
                return value;
            }
        }
        return -1;
    }

    /** Skips an integer with an {@code prefixBits} prefix at {@code at}; returns where it ends, or -1. */
    static int skipInteger(ByteBuf block, int at, int to, int prefixBits) {
        if (at < 0 || at >= to) {
            return -1;
        }
        int prefix = (1 << prefixBits) - 1;
        if ((block.getUnsignedByte(at++) & prefix) != prefix) {
            return at;
        }
        for (int shift = 0; at < to && shift <= 28; shift += 7) {
            if ((block.getUnsignedByte(at++) & 0x80) == 0) {
                return at;
            }
        }
        return -1;
    }

    /** Skips a string literal (its length, then its octets) at {@code at}; returns where it ends, or -1. */
    static int skipString(ByteBuf block, int at, int to) {
        if (at < 0 || at >= to) {
            return -1;
        }
        long length = readInteger(block, at, to, 7);
        int end = skipInteger(block, at, to, 7);
        if (length < 0 || end < 0 || end + length > to) {
            return -1;
        }
        return (int) (end + length);
    }
}
