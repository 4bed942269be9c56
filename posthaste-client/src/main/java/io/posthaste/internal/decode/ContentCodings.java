package io.posthaste.internal.decode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The content codings this client can undo: {@code gzip} and {@code deflate} always, {@code br}
 * when brotli4j's native library loads, {@code zstd} when zstd-jni's does. Found once, at first
 * use; {@code Accept-Encoding} lists exactly these, so a server is never invited to send a coding
 * that would then fail to decode.
 */
public final class ContentCodings {

    private static final boolean BROTLI = brotliLoads();
    private static final boolean ZSTD = zstdLoads();
    private static final List<String> SUPPORTED = detect();
    private static final String ACCEPT_ENCODING = String.join(", ", SUPPORTED);

    private ContentCodings() {}

    /** The codings that can be decoded here, in order of preference to announce. */
    public static List<String> supported() {
        return SUPPORTED;
    }

    private static List<String> detect() {
        List<String> codings = new ArrayList<>(List.of("gzip", "deflate"));
        if (BROTLI) {
            codings.add("br");
        }
        if (ZSTD) {
            codings.add("zstd");
        }
        return List.copyOf(codings);
    }

    /** The default {@code Accept-Encoding} value: every supported coding. */
    public static String acceptEncoding() {
        return ACCEPT_ENCODING;
    }

    /** Returns whether {@code coding} (trimmed, lower case) can be decoded here. */
    static boolean supports(String coding) {
        return switch (coding) {
            case "gzip", "x-gzip", "deflate" -> true;
            case "br" -> BROTLI;
            case "zstd" -> ZSTD;
            default -> false;
        };
    }

    /** A decoder for a supported {@code coding}, stopping at {@code maxDecodedBytes}. */
    static BodyDecoder decoder(String coding, long maxDecodedBytes) throws IOException {
        return switch (coding.toLowerCase(Locale.ROOT)) {
            case "gzip", "x-gzip" -> new GzipDecoder(maxDecodedBytes);
            case "deflate" -> new DeflateDecoder(maxDecodedBytes);
            case "br" -> new BrotliDecoder(maxDecodedBytes);
            case "zstd" -> new ZstdDecoder(maxDecodedBytes);
            default -> throw new IOException("unsupported Content-Encoding '" + coding + "'");
        };
    }

    // The optional jars' classes are named only inside these try blocks: the JVM resolves them on
    // first call, so a missing jar or a platform without the native library costs only the coding.

    private static boolean brotliLoads() {
        try {
            return com.aayushatharva.brotli4j.Brotli4jLoader.isAvailable();
        } catch (LinkageError | RuntimeException absent) {
            return false;
        }
    }

    private static boolean zstdLoads() {
        try {
            com.github.luben.zstd.util.Native.load();
            return com.github.luben.zstd.util.Native.isLoaded();
        } catch (LinkageError | RuntimeException absent) {
            return false;
        }
    }
}
