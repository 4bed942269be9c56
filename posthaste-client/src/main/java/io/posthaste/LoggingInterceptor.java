package io.posthaste;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Logs requests and responses through {@link System.Logger}, so that JUL, Log4j and SLF4J users
 * (through their {@code System.LoggerFinder} bridges) get them without a new dependency; the
 * levels are those of OkHttp's {@code HttpLoggingInterceptor}.
 *
 * <p>What is logged, per {@link Level}:
 * <ul>
 * <li>{@code BASIC}: {@code --> POST https://h/p (12-byte body)} and
 *     {@code <-- 201 Created https://h/p (35ms, 7-byte body)}, or
 *     {@code <-- HTTP FAILED: ClientTimeoutException: ... (35ms)};</li>
 * <li>{@code HEADERS}: the same, with the request's and the response's headers;</li>
 * <li>{@code BODY}: the same, with the bodies, each cut after {@link Builder#maxBodyBytes} bytes
 *     (default 8 KiB). A body is printed only if it is already in memory: request bytes, text,
 *     forms and JSON, and buffered responses. A file, a multipart or compressed request body, a
 *     one-shot stream and a {@linkplain RequestBuilder#stream() streamed} response are named but
 *     never read here, so logging never consumes what the exchange or the caller must read.
 *     Binary bodies are described, not printed.</li>
 * </ul>
 * Each request and each response is one log record (several lines), so the records of
 * concurrent calls never interleave. Nothing is formatted when the logger would drop the record.
 *
 * <p>Redaction: the values of {@code Authorization}, {@code Cookie}, {@code Set-Cookie},
 * {@code Proxy-Authorization}, every header the session declared with
 * {@link ClientSession.Builder#sensitiveHeaders(String...)}, and the headers named with
 * {@link Builder#redactHeader(String...)} are printed as {@code ██}; so are the values of the query
 * parameters (and url-encoded form fields) named with {@link Builder#redactQueryParameter}. URLs
 * never carry user info. A failure is logged with its type and message, not its stack trace.
 *
 * <p>Add it as an application interceptor to log each call once, with its final response; as a
 * network interceptor to log every redirect hop and retry. Thread-safe and immutable.
 *
 * {@snippet :
 * ClientSession session = ClientSession.builder()
 *         .sensitiveHeaders("X-Api-Key")
 *         .addInterceptor(LoggingInterceptor.builder()
 *                 .level(LoggingInterceptor.Level.HEADERS)
 *                 .redactQueryParameter("token")
 *                 .build())
 *         .build();
 * }
 */
public final class LoggingInterceptor implements Interceptor {

    /** How much is logged. */
    public enum Level {
        /** Nothing: the interceptor only passes the request on. */
        NONE,
        /** The request line and the response status, time and body size. */
        BASIC,
        /** {@link #BASIC} and the headers. */
        HEADERS,
        /** {@link #HEADERS} and the bodies that are in memory, up to a cap. */
        BODY
    }

    private final Level level;
    private final System.Logger logger;
    private final System.Logger.Level logLevel;
    private final HttpLogMessages messages;

    private LoggingInterceptor(Builder builder) {
        this.level = builder.level;
        this.logger = builder.logger;
        this.logLevel = builder.logLevel;
        this.messages =
                new HttpLogMessages(level, new LogRedaction(builder.headers, builder.parameters), builder.maxBodyBytes);
    }

    /** Returns an interceptor logging at {@code level}, with every other default. */
    public static LoggingInterceptor create(Level level) {
        return builder().level(level).build();
    }

    /** Returns a builder: level {@code BASIC}, logger {@code io.posthaste.LoggingInterceptor}, INFO. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the level. */
    public Level level() {
        return level;
    }

    @Override
    public CompletableFuture<Response> intercept(Request request, Chain chain) {
        if (level == Level.NONE || !logger.isLoggable(logLevel)) {
            return chain.proceed(request);
        }
        long start = System.nanoTime();
        log(() -> messages.request(request));
        return chain.proceed(request).whenComplete((response, failure) -> {
            long took = System.nanoTime() - start;
            if (failure == null) {
                log(() -> messages.response(response, took));
            } else {
                Throwable cause =
                        failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                                ? failure.getCause()
                                : failure;
                log(() -> messages.failure(request, cause, took));
            }
        });
    }

    /** Logs a record; a failure to format or log it never fails the call. */
    private void log(java.util.function.Supplier<String> message) {
        try {
            logger.log(logLevel, message.get());
        } catch (RuntimeException e) {
            logger.log(System.Logger.Level.WARNING, "could not log an HTTP exchange: " + e);
        }
    }

    /** Configures a {@link LoggingInterceptor}; not thread-safe. */
    public static final class Builder {
        private Level level = Level.BASIC;
        private System.Logger logger = System.getLogger(LoggingInterceptor.class.getName());
        private System.Logger.Level logLevel = System.Logger.Level.INFO;
        private final Set<String> headers = new LinkedHashSet<>();
        private final Set<String> parameters = new LinkedHashSet<>();
        private int maxBodyBytes = 8 * 1024;

        private Builder() {}

        /** Sets how much is logged (default {@link Level#BASIC}). */
        public Builder level(Level level) {
            this.level = Objects.requireNonNull(level, "level");
            return this;
        }

        /** Sets the logger (default {@code System.getLogger("io.posthaste.LoggingInterceptor")}). */
        public Builder logger(System.Logger logger) {
            this.logger = Objects.requireNonNull(logger, "logger");
            return this;
        }

        /** Sets the level of the records (default {@code INFO}). */
        public Builder logLevel(System.Logger.Level logLevel) {
            this.logLevel = Objects.requireNonNull(logLevel, "logLevel");
            return this;
        }

        /**
         * Hides the values of these headers too, in any case, beyond the credentials and the
         * session's sensitive headers, which are always hidden.
         */
        public Builder redactHeader(String... names) {
            for (String name : names) {
                headers.add(name.toLowerCase(Locale.ROOT));
            }
            return this;
        }

        /**
         * Hides the values of these query parameters in logged URLs, and of url-encoded form fields
         * of these names in logged bodies. Names are matched percent-decoded and in any case.
         */
        public Builder redactQueryParameter(String... names) {
            for (String name : names) {
                parameters.add(name.toLowerCase(Locale.ROOT));
            }
            return this;
        }

        /** Sets how many bytes of a body {@link Level#BODY} prints (default 8192; 0 prints none). */
        public Builder maxBodyBytes(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxBodyBytes must be >= 0: " + bytes);
            }
            this.maxBodyBytes = bytes;
            return this;
        }

        /** Returns the interceptor. */
        public LoggingInterceptor build() {
            return new LoggingInterceptor(this);
        }
    }
}
