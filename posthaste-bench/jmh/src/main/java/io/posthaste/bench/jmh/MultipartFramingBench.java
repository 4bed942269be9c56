package io.posthaste.bench.jmh;

import com.github.mizosoft.methanol.MultipartBodyPublisher;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.HttpPostRequestEncoder;
import io.posthaste.Multipart;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.RequestBody;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Building a multipart body of one text field and one file part up to the point where its
 * length is known (boundary, part heads, tail): what a client does before the first byte of the
 * file is sent. File contents are never read here.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MultipartFramingBench {

    private static final MediaType PDF = MediaType.get("application/pdf");
    private Path file;

    @Setup
    public void createFile() throws IOException {
        file = Files.createTempFile("posthaste-jmh-", "-report.pdf");
        Files.write(file, new byte[64 * 1024]);
    }

    @TearDown
    public void deleteFile() throws IOException {
        Files.deleteIfExists(file);
    }

    @Benchmark
    public long posthasteMultipart() {
        return Multipart.builder()
                .field("title", "Quarterly report")
                .file("upload_file", file)
                .build()
                .contentLength();
    }

    @Benchmark
    public long okhttpMultipartBody() throws IOException {
        return new MultipartBody.Builder()
                .setType(MultipartBody.FORM)
                .addFormDataPart("title", "Quarterly report")
                .addFormDataPart("upload_file", "report.pdf", RequestBody.create(file.toFile(), PDF))
                .build()
                .contentLength();
    }

    @Benchmark
    public long methanolMultipartBodyPublisher() throws IOException {
        return MultipartBodyPublisher.newBuilder()
                .textPart("title", "Quarterly report")
                .filePart("upload_file", file)
                .build()
                .contentLength();
    }

    /** Netty's encoder (used by Reactor Netty and Vert.x): builds the parts and finalizes the head. */
    @Benchmark
    public HttpRequest nettyPostRequestEncoder() throws Exception {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/upload");
        HttpPostRequestEncoder enc =
                new HttpPostRequestEncoder(new DefaultHttpDataFactory(DefaultHttpDataFactory.MINSIZE), request, true);
        enc.addBodyAttribute("title", "Quarterly report");
        enc.addBodyFileUpload("upload_file", "report.pdf", file.toFile(), "application/pdf", false);
        return enc.finalizeRequest();
    }
}
