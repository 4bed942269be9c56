package io.posthaste.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.posthaste.Body;
import io.posthaste.FormBody;
import io.posthaste.MediaType;
import io.posthaste.Multipart;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns {@code [METHOD] URL [ITEM ...]} and the body flags into a {@link RequestSpec}, the way
 * httpie does: data items make a JSON object unless {@code --form}; file items make the body
 * multipart; the method is GET, or POST when there is a body. Every mistake is a
 * {@link CliException} with exit code {@link ExitCode#USAGE} (or {@link ExitCode#ERROR} for a
 * file that cannot be read), raised before anything is sent.
 */
final class RequestParser {

    /** How data items become a body. */
    enum BodyMode {
        JSON,
        FORM,
        MULTIPART
    }

    /** The accept header httpie sends in JSON mode: JSON preferred, anything accepted. */
    static final String JSON_ACCEPT = "application/json, */*;q=0.5";

    private static final Set<String> METHODS =
            Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT");
    private static final Set<String> SKIPPABLE = Set.of("user-agent", "accept", "accept-encoding", "content-type");
    private static final ObjectMapper JSON = new ObjectMapper();

    private RequestParser() {}

    /**
     * Parses the positional arguments.
     *
     * @param args {@code [METHOD] URL [ITEM ...]}
     * @param mode JSON unless {@code --form} or {@code --multipart}
     * @param jsonFlag whether {@code --json} was given (JSON Accept and Content-Type even with a raw body)
     * @param authorization an {@code Authorization} value from {@code --auth}, or {@code null}
     * @param stdin where {@code -} reads the body from
     * @param directory where relative file paths start
     */
    static RequestSpec parse(
            List<String> args,
            BodyMode mode,
            boolean jsonFlag,
            String authorization,
            InputStream stdin,
            Path directory) {
        if (args.isEmpty()) {
            throw CliException.usage(
                    "missing URL (usage: posthaste [METHOD] URL [ITEM ...]; " + "see posthaste --help)");
        }
        String method = null;
        int urlIndex = 0;
        String first = args.get(0);
        if (args.size() >= 2
                && first.matches("[A-Za-z]+")
                && (METHODS.contains(first.toUpperCase(Locale.ROOT)) || first.equals(first.toUpperCase(Locale.ROOT)))) {
            method = first.toUpperCase(Locale.ROOT);
            urlIndex = 1;
        }
        String url = Urls.expand(args.get(urlIndex));
        List<RequestItem> items = new ArrayList<>();
        for (String argument : args.subList(urlIndex + 1, args.size())) {
            try {
                items.add(RequestItem.parse(argument));
            } catch (IllegalArgumentException e) {
                throw CliException.usage(e.getMessage());
            }
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        Set<String> removed = new LinkedHashSet<>();
        List<Map.Entry<String, String>> query = new ArrayList<>();
        for (RequestItem item : items) {
            switch (item.kind()) {
                case HEADER, EMPTY_HEADER -> headers.add(Map.entry(item.name(), item.value()));
                case REMOVED_HEADER -> {
                    headers.removeIf(header -> header.getKey().equalsIgnoreCase(item.name()));
                    String lower = item.name().toLowerCase(Locale.ROOT);
                    if (SKIPPABLE.contains(lower)) {
                        removed.add(lower);
                    }
                }
                case QUERY -> query.add(Map.entry(item.name(), item.value()));
                default -> {
                    // Body items are gathered below, once the body's kind is known.
                }
            }
        }
        boolean jsonData = mode == BodyMode.JSON
                && items.stream()
                        .anyMatch(i -> i.kind().isBody()
                                && i.kind() != RequestItem.Kind.BODY_FROM_FILE
                                && i.kind() != RequestItem.Kind.BODY_FROM_STDIN
                                && i.kind() != RequestItem.Kind.FILE);
        Body body = body(items, mode, jsonFlag, stdin, directory);
        if ((jsonData || jsonFlag) && !hasHeader(headers, "Accept") && !removed.contains("accept")) {
            headers.add(Map.entry("Accept", JSON_ACCEPT));
        }
        if (authorization != null && !hasHeader(headers, "Authorization")) {
            headers.add(Map.entry("Authorization", authorization));
        }
        return new RequestSpec(
                method != null ? method : body != null ? "POST" : "GET", url, headers, removed, query, body);
    }

    private static boolean hasHeader(List<Map.Entry<String, String>> headers, String name) {
        return headers.stream().anyMatch(header -> header.getKey().equalsIgnoreCase(name));
    }

    private static Body body(
            List<RequestItem> items, BodyMode mode, boolean jsonFlag, InputStream stdin, Path directory) {
        List<RequestItem> raw = items.stream()
                .filter(i ->
                        i.kind() == RequestItem.Kind.BODY_FROM_FILE || i.kind() == RequestItem.Kind.BODY_FROM_STDIN)
                .toList();
        List<RequestItem> data = items.stream()
                .filter(i -> i.kind().isBody() && !raw.contains(i))
                .toList();
        if (!raw.isEmpty()) {
            if (raw.size() > 1 || !data.isEmpty()) {
                throw CliException.usage("a raw body (@file or -) cannot be combined with other body " + "items: "
                        + describe(raw.size() > 1 ? raw.get(1) : data.get(0)));
            }
            MediaType type =
                    jsonFlag ? MediaType.APPLICATION_JSON : mode == BodyMode.FORM ? MediaType.FORM_URLENCODED : null;
            RequestItem item = raw.get(0);
            if (item.kind() == RequestItem.Kind.BODY_FROM_STDIN) {
                try {
                    return Body.of(stdin.readAllBytes(), type != null ? type : MediaType.OCTET_STREAM);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            Path file = readable(directory, item.value());
            return type != null ? Body.of(file, type) : Body.of(file);
        }
        boolean files = data.stream().anyMatch(i -> i.kind() == RequestItem.Kind.FILE);
        if (files || mode == BodyMode.MULTIPART) {
            return data.isEmpty() ? null : multipart(data, directory);
        }
        if (data.isEmpty()) {
            return null;
        }
        return mode == BodyMode.FORM ? form(data, directory) : json(data, directory);
    }

    private static Body multipart(List<RequestItem> data, Path directory) {
        Multipart.Builder multipart = Multipart.builder();
        for (RequestItem item : data) {
            switch (item.kind()) {
                case FILE ->
                    multipart.file(
                            item.name(),
                            readable(directory, item.value()),
                            item.contentType() == null ? null : mediaType(item));
                case DATA -> multipart.field(item.name(), item.value());
                case DATA_FROM_FILE -> multipart.field(item.name(), text(directory, item.value()));
                default -> throw CliException.usage("raw JSON items cannot go in a multipart body: " + describe(item));
            }
        }
        return multipart.build();
    }

    private static Body form(List<RequestItem> data, Path directory) {
        FormBody.Builder form = FormBody.builder();
        for (RequestItem item : data) {
            switch (item.kind()) {
                case DATA -> form.add(item.name(), item.value());
                case DATA_FROM_FILE -> form.add(item.name(), text(directory, item.value()));
                default -> throw CliException.usage("raw JSON items need JSON mode (drop --form): " + describe(item));
            }
        }
        return form.build();
    }

    private static Body json(List<RequestItem> data, Path directory) {
        ObjectNode object = JSON.createObjectNode();
        Set<String> repeated = new LinkedHashSet<>();
        for (RequestItem item : data) {
            JsonNode value = switch (item.kind()) {
                case DATA -> object.textNode(item.value());
                case DATA_FROM_FILE -> object.textNode(text(directory, item.value()));
                case RAW_JSON -> rawJson(item, item.value());
                case RAW_JSON_FROM_FILE -> rawJson(item, text(directory, item.value()));
                default -> throw new IllegalStateException("not a data item: " + item);
            };
            JsonNode earlier = object.get(item.name());
            if (earlier == null) {
                object.set(item.name(), value);
            } else if (repeated.add(item.name())) {
                // A repeated field collects its values into an array, as httpie does.
                object.set(item.name(), object.arrayNode().add(earlier).add(value));
            } else {
                ((ArrayNode) earlier).add(value);
            }
        }
        try {
            return Body.of(JSON.writeValueAsBytes(object), MediaType.APPLICATION_JSON);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    private static JsonNode rawJson(RequestItem item, String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw CliException.usage("not valid JSON in " + describe(item) + ": " + e.getOriginalMessage());
        }
    }

    private static MediaType mediaType(RequestItem item) {
        try {
            return MediaType.parse(item.contentType());
        } catch (RuntimeException e) {
            throw CliException.usage("bad ;type= in " + describe(item) + ": " + e.getMessage());
        }
    }

    private static Path readable(Path directory, String name) {
        Path path = directory.resolve(name);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new CliException(
                    ExitCode.ERROR, (Files.exists(path) ? "not a readable file: " : "no such file: ") + name);
        }
        return path;
    }

    private static String text(Path directory, String name) {
        try {
            return Files.readString(readable(directory, name), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCode.ERROR, "no such file: " + name);
        } catch (IOException e) {
            throw new CliException(ExitCode.ERROR, "cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    private static String describe(RequestItem item) {
        return switch (item.kind()) {
            case BODY_FROM_STDIN -> "-";
            case BODY_FROM_FILE -> "@" + item.value();
            default ->
                "'" + item.name() + "' ("
                        + item.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ")";
        };
    }
}
