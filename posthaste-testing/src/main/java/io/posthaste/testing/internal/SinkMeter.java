package io.posthaste.testing.internal;

import io.netty.buffer.ByteBuf;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Measures a {@code /sink} body as it streams past: length and SHA-256 of the whole body and, for
 * multipart bodies, of every part. Nothing of the body is kept, so memory stays flat for any size.
 * Not thread-safe.
 */
final class SinkMeter implements MultipartParser.Handler {

    private final MessageDigest whole = sha256();
    private final MultipartParser multipart;
    private final List<SinkResult.Part> parts = new ArrayList<>();
    private final byte[] scratch = new byte[64 * 1024];
    private MessageDigest partDigest;
    private long partBytes;
    private String partName;
    private String partFilename;
    private String partType;
    private String multipartError;
    private long bytes;
    private boolean chunked;
    private long chunks;

    SinkMeter(RequestHead head) {
        String boundary = MultipartParser.boundary(head.header("Content-Type"));
        MultipartParser parser = null;
        if (boundary != null) {
            try {
                parser = new MultipartParser(boundary, this);
            } catch (MultipartParser.MalformedException e) {
                multipartError = e.getMessage();
            }
        }
        this.multipart = parser;
    }

    void chunk() {
        chunked = true;
        chunks++;
    }

    void add(ByteBuf data) {
        int n = data.readableBytes();
        bytes += n;
        whole.update(data.nioBuffer());
        if (multipart != null && multipartError == null) {
            for (int off = 0; off < n; off += scratch.length) {
                int len = Math.min(scratch.length, n - off);
                data.getBytes(data.readerIndex() + off, scratch, 0, len);
                try {
                    multipart.feed(scratch, 0, len);
                } catch (MultipartParser.MalformedException e) {
                    multipartError = e.getMessage();
                    return;
                }
            }
        }
    }

    SinkResult finish() {
        if (multipart != null && multipartError == null) {
            try {
                multipart.finish();
            } catch (MultipartParser.MalformedException e) {
                multipartError = e.getMessage();
            }
        }
        return new SinkResult(
                bytes, HexFormat.of().formatHex(whole.digest()), chunked, chunks, List.copyOf(parts), multipartError);
    }

    @Override
    public void partStart(List<Map.Entry<String, String>> headers) {
        partDigest = sha256();
        partBytes = 0;
        HeaderParams disposition = HeaderParams.parse(Multipart.header(headers, "Content-Disposition"));
        partName = disposition.param("name");
        partFilename = Multipart.filename(disposition);
        partType = Multipart.header(headers, "Content-Type");
    }

    @Override
    public void partData(byte[] data, int offset, int length) {
        partDigest.update(data, offset, length);
        partBytes += length;
    }

    @Override
    public void partEnd() {
        parts.add(new SinkResult.Part(
                partName, partFilename, partType, partBytes, HexFormat.of().formatHex(partDigest.digest())));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
