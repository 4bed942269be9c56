package io.posthaste.cli;

import io.posthaste.ClientConnectionException;
import io.posthaste.ClientException;
import io.posthaste.ClientPayloadException;
import io.posthaste.ClientTimeoutException;
import io.posthaste.InvalidRequestException;
import io.posthaste.Response;
import io.posthaste.TooManyRedirectsException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Turns any failure into one line for stderr and an {@link ExitCode}. The client's messages
 * already name the method and URL without credentials; this class only puts the kind of failure
 * first, so the line reads {@code connection refused: GET http://127.0.0.1:9/}, and adds advice
 * where one fits. Where the client's words would repeat the line's own, the line is built from
 * the exception's fields instead.
 */
final class Errors {

    /** Hex runs longer than a SHA-256 digest (64 digits) are dumps of bytes, not identifiers. */
    private static final Pattern HEX_DUMP = Pattern.compile("[0-9A-Fa-f]{65,}");
    /** Netty's words when a "TLS" server answered with something else, e.g. plain HTTP. */
    private static final String NOT_TLS = "not an SSL/TLS record";

    private static final Pattern HTTPS_REQUEST = Pattern.compile("(\\S+ )https://(.*)");

    /**
     * A failure as the user sees it.
     *
     * @param exitCode one of {@link ExitCode}'s
     * @param message one line of printable text: line breaks and other control characters
     *     become spaces, and hex dumps are left out, whatever the failure's message held
     */
    record Report(int exitCode, String message) {
        Report {
            message = printable(message);
        }
    }

    private Errors() {}

    /**
     * Describes {@code failure} of the request {@code what} ({@code "GET http://..."}, or
     * {@code null} when no request was under way).
     */
    static Report describe(Throwable failure, String what) {
        if (failure instanceof CliException cli) {
            return new Report(cli.exitCode(), cli.getMessage());
        }
        if (failure instanceof ClientTimeoutException timeout) {
            return new Report(
                    ExitCode.TIMEOUT,
                    "timed out (" + timeout.phase() + " after "
                            + seconds(timeout.timeout().toMillis()) + "): " + orMessage(what, timeout));
        }
        if (failure instanceof ClientConnectionException connection) {
            // Before isTlsFailure(): whether the client counts this as a TLS failure or not, the
            // advice is the scheme, never --ca or --verify=no.
            if (answeredInPlainHttp(connection)) {
                return new Report(
                        ExitCode.TLS,
                        "TLS failure: " + orMessage(what, connection)
                                + ": the server answered in plain HTTP, not TLS (is the scheme right?"
                                + plainHttpHint(what) + ")");
            }
            if (connection.isTlsFailure()) {
                return new Report(
                        ExitCode.TLS,
                        "TLS failure: " + connection.getMessage()
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
            return new Report(ExitCode.TOO_MANY_REDIRECTS, tooManyRedirects(redirects, what));
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
        IOException io = failure instanceof UncheckedIOException unchecked
                ? unchecked.getCause()
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
        return new Report(
                ExitCode.ERROR,
                "unexpected " + failure.getClass().getSimpleName() + ": " + failure.getMessage()
                        + " (run with --debug for the stack trace)");
    }

    /**
     * Names the request the user made and the last URL that redirected it, from the exception's
     * fields: the client's message says the same in its own words, and both together repeat.
     */
    private static String tooManyRedirects(TooManyRedirectsException redirects, String what) {
        List<Response> history = redirects.history();
        if (what == null || history.isEmpty()) {
            return "too many redirects: " + redirects.getMessage() + " (raise --max-redirects)";
        }
        // The client gives up on the redirect after the last one allowed, so the history holds
        // one more than the limit.
        return "too many redirects (more than " + (history.size() - 1) + "): " + what + ", the last from "
                + history.get(history.size() - 1).url() + " (raise --max-redirects)";
    }

    /**
     * Returns whether an https:// request reached a server that answered in plain HTTP (or
     * anything else that is not TLS). Told by the cause Netty raises, whatever the client's
     * message says, or by the client's own wording when it left the cause out.
     */
    private static boolean answeredInPlainHttp(ClientConnectionException connection) {
        Throwable current = connection;
        for (int depth = 0; current != null && depth < 16; depth++, current = current.getCause()) {
            String message = current.getMessage();
            if (current.getClass().getSimpleName().equals("NotSslRecordException")
                    || current instanceof SSLException && message != null && message.startsWith(NOT_TLS)) {
                return true;
            }
        }
        String message = connection.getMessage();
        return message != null && (message.contains(NOT_TLS) || message.contains("plain HTTP, not TLS"));
    }

    /** Returns {@code " try http://..."} for {@code "GET https://..."}, else nothing. */
    private static String plainHttpHint(String what) {
        Matcher request = what == null ? null : HTTPS_REQUEST.matcher(what);
        return request != null && request.matches() ? " try http://" + request.group(2) : "";
    }

    /**
     * Makes {@code message} one printable line without hex dumps: a server's bytes, echoed by
     * a lower layer, are no use to the user and can run to hundreds of characters.
     */
    static String printable(String message) {
        if (message == null) {
            return "";
        }
        StringBuilder line = new StringBuilder(message.length());
        message.codePoints().forEach(c -> line.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
        Matcher dump = HEX_DUMP.matcher(line);
        return dump.replaceAll(run -> "(" + run.group().length() / 2 + " bytes in hex left out)");
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
