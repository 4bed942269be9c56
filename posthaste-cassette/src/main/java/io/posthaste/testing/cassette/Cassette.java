package io.posthaste.testing.cassette;

import io.posthaste.Body;
import io.posthaste.Headers;
import io.posthaste.Interceptor;
import io.posthaste.Request;
import io.posthaste.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Records a session's real HTTP exchanges to a readable JSON file, and replays them later without
 * a network: tests against a third-party API that run offline, fast and the same every time.
 * {@snippet :
 * try (Cassette cassette = Cassette.open(Path.of("src/test/resources/cassettes/users.json"),
 *         Cassette.Mode.RECORD_NEW);
 *      ClientSession session = ClientSession.builder()
 *              .addNetworkInterceptor(cassette.interceptor()).build()) {
 *     Response users = session.get("https://api.example.com/users").send();
 * }   // closing the cassette writes what was recorded
 * }
 *
 * <p><b>Where to add it.</b> As a network interceptor it records every hop (redirects, cookies)
 * and replays them through the session's own redirect and cookie steps; as an application
 * interceptor ({@code addInterceptor}) it records one final answer per call.
 *
 * <p><b>Matching.</b> A request matches a recorded one with the same method and URL (after
 * redaction), the same values of the headers chosen with {@link Builder#matchHeaders} (none by
 * default) and, unless {@link Builder#matchBody} turned it off, the same body. Recorded
 * interactions are replayed in order: the first unused match answers, and when every match has
 * been used the last one answers again. A request that matches nothing fails with a
 * {@link CassetteMismatchException} naming it and listing what the cassette holds.
 *
 * <p><b>What is written.</b> Bodies as text when they are UTF-8, else base64 (a buffered response's
 * body as the caller saw it, decompressed). The values of {@code Authorization}, {@code Cookie},
 * {@code Set-Cookie}, {@code Proxy-Authorization}, the session's sensitive headers and
 * {@link Builder#redactHeaders} are written as {@code REDACTED}, and so are the values of the
 * query parameters named in {@link Builder#redactQueryParameters}. Not recorded: answers read
 * with {@code stream()} (they pass through), and one-shot request bodies (they match any body).
 *
 * <p>Thread-safe. {@link #close()} writes the file (RECORD, or RECORD_NEW with something new),
 * whole: a reader never sees half a cassette.
 */
public final class Cassette implements AutoCloseable {

    /** What a cassette does with each request. */
    public enum Mode {
        /** Sends every request and records it; the file is rewritten with this run's exchanges. */
        RECORD,
        /** Answers from the file only; nothing is sent, and a request it lacks fails. */
        REPLAY,
        /** Answers from the file when it can, else sends and records the new exchange. */
        RECORD_NEW,
        /** Sends every request and records nothing: the cassette is out of the way. */
        PASSTHROUGH
    }

    private final Path file;
    private final Mode mode;
    private final Set<String> matchHeaders;
    private final boolean matchBody;
    private final Redaction redaction;
    /** Guarded by itself, as are {@link #used} and {@link #changed}. */
    private final List<Interaction> interactions;

    private final List<Boolean> used = new ArrayList<>();
    private boolean changed;

    private Cassette(Builder builder) {
        this.file = builder.file;
        this.mode = builder.mode;
        this.matchHeaders = Set.copyOf(builder.matchHeaders);
        this.matchBody = builder.matchBody;
        this.redaction = new Redaction(builder.redactHeaders, builder.redactQueryParameters);
        boolean exists = Files.isRegularFile(file);
        if (mode == Mode.REPLAY && !exists) {
            throw new IllegalStateException(
                    "cassette " + file + " does not exist: record it first " + "(Mode.RECORD or Mode.RECORD_NEW)");
        }
        this.interactions = mode == Mode.RECORD || !exists ? new ArrayList<>() : new ArrayList<>(Tape.read(file));
        interactions.forEach(interaction -> used.add(false));
    }

    /** Opens the cassette in {@code file} with {@code mode}, matching on method, URL and body. */
    public static Cassette open(Path file, Mode mode) {
        return builder(file).mode(mode).open();
    }

    /** Returns a builder of a cassette kept in {@code file}. */
    public static Builder builder(Path file) {
        return new Builder(Objects.requireNonNull(file, "file"));
    }

    /** Returns the file this cassette reads and writes. */
    public Path file() {
        return file;
    }

    /** Returns the mode it was opened with. */
    public Mode mode() {
        return mode;
    }

    /** Returns how many interactions it holds now (recorded or read). */
    public int size() {
        synchronized (interactions) {
            return interactions.size();
        }
    }

    /** Returns the interceptor that records and replays through this cassette. */
    public Interceptor interceptor() {
        return this::intercept;
    }

    private CompletableFuture<Response> intercept(Request request, Interceptor.Chain chain) {
        if (mode == Mode.PASSTHROUGH) {
            return chain.proceed(request);
        }
        Interaction.Message asked = requestOf(request);
        if (mode != Mode.RECORD) {
            Interaction recorded = take(asked);
            if (recorded != null) {
                return CompletableFuture.completedFuture(replay(request, recorded.response()));
            }
            if (mode == Mode.REPLAY) {
                return CompletableFuture.failedFuture(mismatch(asked));
            }
        }
        return chain.proceed(request).thenApply(response -> {
            byte[] body;
            try {
                body = response.bytes();
            } catch (IllegalStateException streamed) {
                return response; // a stream() answer: its body belongs to the caller
            }
            Interaction.Message answer = new Interaction.Message(
                    null,
                    null,
                    response.status(),
                    response.reason(),
                    response.version(),
                    redaction.headers(response.headers()),
                    body);
            synchronized (interactions) {
                interactions.add(new Interaction(asked, answer));
                used.add(true);
                changed = true;
            }
            return response;
        });
    }

    /** Returns the interaction that answers {@code asked}, marking it used; {@code null} if none. */
    private Interaction take(Interaction.Message asked) {
        synchronized (interactions) {
            int lastMatch = -1;
            for (int i = 0; i < interactions.size(); i++) {
                if (matches(interactions.get(i).request(), asked)) {
                    if (!used.get(i)) {
                        used.set(i, true);
                        return interactions.get(i);
                    }
                    lastMatch = i;
                }
            }
            return lastMatch < 0 ? null : interactions.get(lastMatch);
        }
    }

    private boolean matches(Interaction.Message recorded, Interaction.Message asked) {
        if (!recorded.method().equals(asked.method()) || !recorded.url().equals(asked.url())) {
            return false;
        }
        for (String name : matchHeaders) {
            if (!Objects.equals(values(recorded.headers(), name), values(asked.headers(), name))) {
                return false;
            }
        }
        return !matchBody || isOneShot(recorded) || isOneShot(asked) || Arrays.equals(recorded.body(), asked.body());
    }

    /** A one-shot body is never read (that would consume it): it matches any body. */
    private static boolean isOneShot(Interaction.Message request) {
        return request.headers().containsKey(ONE_SHOT);
    }

    /** Marks, among a request's recorded headers, that its body was one-shot and left unread. */
    private static final String ONE_SHOT = "X-Cassette-One-Shot-Body";

    private static List<String> values(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> field : headers.entrySet()) {
            if (field.getKey().equalsIgnoreCase(name)) {
                return field.getValue();
            }
        }
        return null;
    }

    /** Returns {@code request} as the cassette writes it down: redacted, with its body's type. */
    private Interaction.Message requestOf(Request request) {
        Headers headers = request.headers();
        Body body = request.body().orElse(null);
        byte[] bytes = null;
        if (body != null) {
            Headers.Builder withType = headers.toBuilder();
            if (body.contentType() != null && !headers.contains("Content-Type")) {
                withType.set("Content-Type", body.contentType().toString());
            }
            if (body.isReplayable()) {
                bytes = read(body);
            } else {
                withType.set(ONE_SHOT, "true");
            }
            headers = withType.build();
        }
        return new Interaction.Message(
                request.method(), redaction.url(request.url()), 0, null, null, redaction.headers(headers), bytes);
    }

    private static byte[] read(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            body.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the request body to record it", e);
        }
        return out.toByteArray();
    }

    private static Response replay(Request request, Interaction.Message answer) {
        Headers.Builder headers = Headers.builder();
        answer.headers().forEach((name, values) -> values.forEach(value -> headers.add(name, value)));
        return Response.of(
                request,
                answer.status(),
                answer.reason(),
                answer.version() == null ? "HTTP/1.1" : answer.version(),
                headers.build(),
                answer.body() == null ? new byte[0] : answer.body());
    }

    private CassetteMismatchException mismatch(Interaction.Message asked) {
        StringBuilder message = new StringBuilder("no interaction in cassette ")
                .append(file)
                .append(" matches ")
                .append(asked.method())
                .append(' ')
                .append(asked.url())
                .append(" (matching on method, URL")
                .append(matchHeaders.isEmpty() ? "" : ", headers " + matchHeaders)
                .append(matchBody ? ", body" : "")
                .append("); it holds ");
        synchronized (interactions) {
            if (interactions.isEmpty()) {
                message.append("none");
            }
            for (Interaction interaction : interactions) {
                message.append("\n  ").append(interaction.describe());
            }
        }
        return new CassetteMismatchException(message.append("\nrecord it with Mode.RECORD_NEW, or match on less")
                .toString());
    }

    /** Writes the file if this run recorded anything (in RECORD mode, even nothing). Idempotent. */
    @Override
    public void close() {
        synchronized (interactions) {
            if (mode == Mode.RECORD || changed) {
                Tape.write(file, interactions);
                changed = false;
            }
        }
    }

    /** Returns the file and the mode. */
    @Override
    public String toString() {
        return "Cassette[" + file + ", " + mode + "]";
    }

    /** Configures a {@link Cassette}; not thread-safe. */
    public static final class Builder {
        private final Path file;
        private Mode mode = Mode.RECORD_NEW;
        private final Set<String> matchHeaders = new LinkedHashSet<>();
        private boolean matchBody = true;
        private final Set<String> redactHeaders = new LinkedHashSet<>();
        private final Set<String> redactQueryParameters = new LinkedHashSet<>();

        private Builder(Path file) {
            this.file = file;
        }

        /** Sets the mode; {@link Mode#RECORD_NEW} by default. */
        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** Also matches requests on these headers' values (as recorded, so redacted ones on being present). */
        public Builder matchHeaders(String... names) {
            matchHeaders.addAll(List.of(names));
            return this;
        }

        /** Sets whether requests must have the recorded body to match; on by default. */
        public Builder matchBody(boolean match) {
            this.matchBody = match;
            return this;
        }

        /** Writes these headers' values (any case) as {@code REDACTED}, beyond the sensitive ones. */
        public Builder redactHeaders(String... names) {
            redactHeaders.addAll(List.of(names));
            return this;
        }

        /** Writes these query parameters' values (exact names) as {@code REDACTED}. */
        public Builder redactQueryParameters(String... names) {
            redactQueryParameters.addAll(List.of(names));
            return this;
        }

        /**
         * Opens the cassette, reading the file unless the mode is {@link Mode#RECORD}.
         *
         * @throws IllegalStateException in {@link Mode#REPLAY} when the file does not exist, or
         *     when it is not a cassette
         * @throws UncheckedIOException when the file cannot be read
         */
        public Cassette open() {
            return new Cassette(this);
        }
    }
}
