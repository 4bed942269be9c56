package io.posthaste.bench.peer.apache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.client5.http.async.methods.AbstractBinResponseConsumer;

/** Streams a response body into a file as it arrives; the result is the byte count, or -1 on non-200. */
final class FileResponseConsumer extends AbstractBinResponseConsumer<Long> {

    private final Path target;
    private FileChannel out;
    private long written;
    private int status;

    FileResponseConsumer(Path target) {
        this.target = target;
    }

    @Override
    protected void start(HttpResponse response, ContentType contentType) throws IOException {
        status = response.getCode();
        out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    @Override
    protected int capacityIncrement() {
        return 256 * 1024;
    }

    @Override
    protected void data(ByteBuffer src, boolean endOfStream) throws IOException {
        while (src.hasRemaining()) {
            written += out.write(src);
        }
        if (endOfStream) {
            out.close();
        }
    }

    @Override
    protected Long buildResult() {
        return status == 200 ? written : -1L;
    }

    @Override
    public void releaseResources() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
