package io.posthaste.cli;

import io.posthaste.ClientConnectionException;
import io.posthaste.ClientException;
import io.posthaste.ClientPayloadException;
import io.posthaste.ClientTimeoutException;
import io.posthaste.InvalidRequestException;
import io.posthaste.TooManyRedirectsException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CancellationException;

/**
 * Turns any failure into one line for stderr and an {@link ExitCode}. The client's messages
 * already name the method and URL without credentials; this class only puts the kind of failure
 * first, so the line reads {@code connection refused: GET http://127.0.0.1:9/}.
 */
final class Errors {

    /** A failure as the user sees it. */
    record Report(int exitCode, String message) {
    }

    private Errors() {
    }

    /**
     * Describes {@code failure} of the request {@code what} ({@code "GET http://..."}, or
     * {@code null} when no request was under way).
     */
    static Report describe(Throwable failure, String what) {
        if (failure instanceof CliException cli) {
            return new Report(cli.exitCode(), cli.getMessage());
        }
        if (failure instanceof ClientTimeoutException timeout) {
            return new Report(ExitCode.TIMEOUT, "timed out (" + timeout.phase() + " after "
                    + seconds(timeout.timeout().toMillis()) + "): " + orMessage(what, timeout));
        }
        if (failure instanceof ClientConnectionException connection) {
            if (connection.isTlsFailure()) {
                return new Report(ExitCode.TLS, "TLS failure: " + connection.getMessage()
                        + " (use --ca FILE to trust a certificate, or --verify=no)");
            }
            if (hasCause(connection, ConnectException.class)) {
                return new Report(ExitCode.CONNECTION, "connection refused: " + orMessage(what, connection));
            }
            if (hasCause(connection, UnknownHostException.class)) {
                return new Report(ExitCode.CONNECTION, "host not found: " + orMessage(what, connection));
            }
            return new Report(ExitCode.CONNECTION, "connection failed: " + connection.getMessage());
        }
        if (failure instanceof TooManyRedirectsException redirects) {
            return new Report(ExitCode.TOO_MANY_REDIRECTS, "too many redirects (more than "
                    + (redirects.history().size() - 1) + "): " + redirects.getMessage()
                    + " (raise --max-redirects)");
        }
        if (failure instanceof InvalidRequestException invalid) {
            return new Report(ExitCode.USAGE, "invalid request: " + invalid.getMessage());
        }
        if (failure instanceof ClientPayloadException payload) {
            return new Report(ExitCode.ERROR, "bad response: " + payload.getMessage());
        }
        if (failure instanceof ClientException client) {
            return new Report(ExitCode.ERROR, client.getMessage());
        }
        if (failure instanceof IllegalArgumentException illegal) {
            return new Report(ExitCode.USAGE, illegal.getMessage());
        }
        if (failure instanceof CancellationException) {
            return new Report(ExitCode.INTERRUPTED, "interrupted");
        }
        IOException io = failure instanceof UncheckedIOException unchecked ? unchecked.getCause()
                : failure instanceof IOException plain ? plain : null;
        if (io instanceof NoSuchFileException missing) {
            return new Report(ExitCode.ERROR, "no such file: " + missing.getFile());
        }
        if (io != null) {
            ClientException client = causeOf(io, ClientException.class);
            if (client != null) {
                return describe(client, what);
            }
            return new Report(ExitCode.ERROR, "I/O error: " + io.getMessage());
        }
        return new Report(ExitCode.ERROR, "unexpected " + failure.getClass().getSimpleName() + ": "
                + failure.getMessage() + " (run with --debug for the stack trace)");
    }

    private static String orMessage(String what, Throwable failure) {
        return what != null ? what : failure.getMessage();
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        return causeOf(failure, type) != null;
    }

    private static <T extends Throwable> T causeOf(Throwable failure, Class<T> type) {
        // Bounded: cause chains can in theory loop.
        Throwable current = failure;
        for (int depth = 0; current != null && depth < 16; depth++, current = current.getCause()) {
            if (type.isInstance(current)) {
                return type.cast(current);
            }
        }
        return null;
    }
}
