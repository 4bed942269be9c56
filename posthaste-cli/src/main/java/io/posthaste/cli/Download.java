package io.posthaste.cli;

import io.posthaste.MediaType;
import io.posthaste.StreamingResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --download}: saves a response body to a file, with a progress bar on a terminal. The
 * file name comes from {@code --output}, else {@code Content-Disposition}, else the URL's last
 * path segment (with an extension from the content type when it has none); an existing file is
 * never overwritten unless named with {@code --output}: {@code name-1}, {@code name-2}... are tried.
 */
final class Download {

    private static final Pattern DISPOSITION_FILENAME =
            Pattern.compile("filename\\s*=\\s*(?:\"([^\"]*)\"|([^;\\s]+))", Pattern.CASE_INSENSITIVE);
    private static final int MAX_SUFFIX = 1000;

    private Download() {}

    /**
     * Saves the body and returns the file written. The bytes go to a temporary file next to the
     * target, renamed onto it when complete, so an interrupted download leaves no partial file;
     * the file gets the usual mode (0666 masked by the umask), as curl's and wget's do.
     */
    static Path save(StreamingResponse response, Path output, Terminal terminal) throws IOException {
        Path target = output != null
                ? terminal.directory().resolve(output)
                : unusedName(terminal.directory().resolve(fileName(response)));
        long total = response.headers()
                .firstValue("Content-Length")
                .map(Download::parseLength)
                .orElse(-1L);
        // A decoded gzip body is longer than its Content-Length; the bar then shows bytes only.
        if (response.headers().contains("Content-Encoding")) {
            total = -1;
        }
        terminal.err().println("Downloading " + (total >= 0 ? Units.bytes(total) + " " : "") + "to \"" + target + "\"");
        ProgressBar bar = ProgressBar.forTransfer(terminal, "", total);
        try (PartialFile partial = PartialFile.beside(target)) {
            long written = 0;
            try (InputStream in = response.body()) {
                OutputStream out = partial.out();
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    written += n;
                    bar.advance(n);
                }
            }
            bar.finish();
            partial.commit();
            terminal.err().println("Done. " + Units.bytes(written) + " saved to \"" + target + "\"");
            return target;
        }
    }

    /** Returns the name to save under, before checking for existing files. */
    static String fileName(StreamingResponse response) {
        String disposition =
                response.headers().firstValue("Content-Disposition").orElse("");
        Matcher matcher = DISPOSITION_FILENAME.matcher(disposition);
        if (matcher.find()) {
            String name = safe(matcher.group(1) != null ? matcher.group(1) : matcher.group(2));
            if (!name.isEmpty()) {
                return name;
            }
        }
        String path = response.url().getPath();
        String last = path == null ? "" : safe(path.substring(path.lastIndexOf('/') + 1));
        String name = last.isEmpty() ? "index" : last;
        if (!name.contains(".")) {
            name += response.headers()
                    .firstValue("Content-Type")
                    .flatMap(MediaType::tryParse)
                    .map(Download::extension)
                    .orElse("");
        }
        return name;
    }

    private static String extension(MediaType type) {
        String subtype = type.subtype().toLowerCase(Locale.ROOT);
        if (type.isJson()) {
            return ".json";
        }
        return switch (subtype) {
            case "html" -> ".html";
            case "plain" -> ".txt";
            case "xml" -> ".xml";
            case "pdf" -> ".pdf";
            case "png" -> ".png";
            case "jpeg" -> ".jpg";
            case "octet-stream" -> ".bin";
            default -> "";
        };
    }

    /** Keeps a server-chosen name inside the current directory: no separators, no dot files. */
    private static String safe(String name) {
        String base = name.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1).strip();
        while (base.startsWith(".")) {
            base = base.substring(1);
        }
        return base;
    }

    private static Path unusedName(Path name) {
        if (!Files.exists(name)) {
            return name;
        }
        String file = name.getFileName().toString();
        int dot = file.lastIndexOf('.');
        String stem = dot > 0 ? file.substring(0, dot) : file;
        String ext = dot > 0 ? file.substring(dot) : "";
        for (int i = 1; i <= MAX_SUFFIX; i++) {
            Path candidate = name.resolveSibling(stem + "-" + i + ext);
            if (!Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new CliException(
                ExitCode.ERROR, "no free file name for " + name + " (tried " + MAX_SUFFIX + "): use --output");
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
