package io.posthaste.cli;

/**
 * The command's exit statuses. They follow httpie's where httpie has one (2 timeout, 3/4/5 with
 * {@code --check-status} or {@code --download}, 6 too many redirects), and keep the rest apart so that scripts can tell
 * a refused connection from a bad certificate from a typo.
 */
public final class ExitCode {
    /** The request was sent and answered (any status, unless {@code --check-status} or {@code --download}). */
    public static final int OK = 0;
    /** Any other failure: a file that cannot be read, a broken response body, an I/O error. */
    public static final int ERROR = 1;
    /** A timeout: connect, TLS handshake, read, write or total. */
    public static final int TIMEOUT = 2;
    /** A 3xx answer with {@code --check-status} or {@code --download} (and without {@code --follow}). */
    public static final int HTTP_3XX = 3;
    /** A 4xx answer with {@code --check-status} or {@code --download}. */
    public static final int HTTP_4XX = 4;
    /** A 5xx answer with {@code --check-status} or {@code --download}. */
    public static final int HTTP_5XX = 5;
    /** More redirects than {@code --max-redirects} with {@code --follow}. */
    public static final int TOO_MANY_REDIRECTS = 6;
    /** The connection failed: refused, reset, host not found, closed before the answer. */
    public static final int CONNECTION = 7;
    /** The TLS handshake failed: an untrusted certificate, a wrong host name, a plain HTTP server. */
    public static final int TLS = 8;
    /** The command line is wrong: unknown option, malformed item, conflicting bodies, bad URL. */
    public static final int USAGE = 64;
    /** Interrupted by Ctrl-C. */
    public static final int INTERRUPTED = 130;

    private ExitCode() {}

    /** Returns the {@code --check-status} and {@code --download} exit code for {@code status}, or {@link #OK}. */
    public static int forStatus(int status) {
        return status >= 300 && status < 600 ? status / 100 : OK;
    }
}
