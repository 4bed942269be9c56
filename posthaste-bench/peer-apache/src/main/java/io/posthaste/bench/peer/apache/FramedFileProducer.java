package io.posthaste.bench.peer.apache;

import io.posthaste.bench.MultipartFraming;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Set;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.DataStreamChannel;

/**
 * Multipart head, file bytes, multipart tail, written as the channel accepts them, with an exact
 * length: the shape a user of Apache's async API has to write by hand.
 */
final class FramedFileProducer implements AsyncEntityProducer, AutoCloseable {

    private final MultipartFraming framing;
    private final FileChannel file;
    private final long length;
    private final ByteBuffer head;
    private final ByteBuffer tail;
    private final ByteBuffer chunk = ByteBuffer.allocateDirect(64 * 1024);
    private ByteBuffer current;
    private boolean fileDone;

    FramedFileProducer(MultipartFraming framing, Path path) throws IOException {
        this.framing = framing;
        this.file = FileChannel.open(path);
        this.length = framing.contentLength(file.size());
        this.head = ByteBuffer.wrap(framing.head());
        this.tail = ByteBuffer.wrap(framing.tail());
    }

    private ByteBuffer next() throws IOException {
        if (head.hasRemaining()) {
            return head;
        }
        if (!fileDone) {
            chunk.clear();
            if (file.read(chunk) > 0) {
                return chunk.flip();
            }
            fileDone = true;
        }
        return tail.hasRemaining() ? tail : null;
    }

    @Override
    public void produce(DataStreamChannel channel) throws IOException {
        while (true) {
            if (current == null || !current.hasRemaining()) {
                current = next();
                if (current == null) {
                    channel.endStream();
                    return;
                }
            }
            channel.write(current);
            if (current.hasRemaining()) {
                return;
            }
        }
    }

    @Override
    public int available() {
        return Integer.MAX_VALUE;
    }

    @Override
    public boolean isRepeatable() {
        return false;
    }

    @Override
    public void failed(Exception cause) {
        releaseResources();
    }

    @Override
    public long getContentLength() {
        return length;
    }

    @Override
    public String getContentType() {
        return framing.contentType();
    }

    @Override
    public String getContentEncoding() {
        return null;
    }

    @Override
    public boolean isChunked() {
        return false;
    }

    @Override
    public Set<String> getTrailerNames() {
        return Set.of();
    }

    @Override
    public void releaseResources() {
        try {
            file.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }

    @Override
    public void close() {
        releaseResources();
    }
}
