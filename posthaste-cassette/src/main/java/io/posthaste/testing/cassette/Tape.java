package io.posthaste.testing.cassette;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cassette file format: pretty-printed JSON, meant to be read and reviewed in a diff. A body
 * is {@code {"text": ...}} when it is valid UTF-8, else {@code {"base64": ...}}. Stateless.
 * <pre>
 * { "format": "posthaste-cassette/1",
 *   "interactions": [ { "request":  { "method", "url", "headers", "body" },
 *                       "response": { "status", "reason", "version", "headers", "body" } } ] }
 * </pre>
 */
final class Tape {

    static final String FORMAT = "posthaste-cassette/1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Tape() {}

    /** Reads the interactions of {@code file}. */
    static List<Interaction> read(Path file) {
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root == null || !FORMAT.equals(root.path("format").asText())) {
                throw new IllegalStateException(file + " is not a cassette (no \"format\": \"" + FORMAT + "\")");
            }
            List<Interaction> interactions = new ArrayList<>();
            for (JsonNode node : root.path("interactions")) {
                interactions.add(new Interaction(message(node.path("request")), message(node.path("response"))));
            }
            return interactions;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the cassette " + file, e);
        }
    }

    /** Writes {@code interactions} to {@code file} whole: written aside, then moved into place. */
    static void write(Path file, List<Interaction> interactions) {
        ObjectNode root = JSON.createObjectNode().put("format", FORMAT);
        ArrayNode list = root.putArray("interactions");
        for (Interaction interaction : interactions) {
            ObjectNode node = list.addObject();
            Interaction.Message request = interaction.request();
            Interaction.Message response = interaction.response();
            ObjectNode requestNode =
                    node.putObject("request").put("method", request.method()).put("url", request.url());
            fill(requestNode, request);
            ObjectNode responseNode = node.putObject("response")
                    .put("status", response.status())
                    .put("reason", response.reason())
                    .put("version", response.version());
            fill(responseNode, response);
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path temporary = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
            try {
                JSON.writeValue(temporary.toFile(), root);
                try {
                    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the cassette " + file, e);
        }
    }

    private static void fill(ObjectNode node, Interaction.Message message) {
        ObjectNode headers = node.putObject("headers");
        message.headers().forEach((name, values) -> values.forEach(headers.withArrayProperty(name)::add));
        if (message.body() != null) {
            String text = utf8(message.body());
            node.putObject("body")
                    .put(
                            text != null ? "text" : "base64",
                            text != null ? text : Base64.getEncoder().encodeToString(message.body()));
        }
    }

    private static Interaction.Message message(JsonNode node) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : node.path("headers").properties()) {
            List<String> values = new ArrayList<>();
            field.getValue().forEach(value -> values.add(value.asText()));
            headers.put(field.getKey(), values);
        }
        JsonNode body = node.get("body");
        byte[] bytes = body == null
                ? null
                : body.has("text")
                        ? body.get("text").asText().getBytes(StandardCharsets.UTF_8)
                        : Base64.getDecoder().decode(body.path("base64").asText());
        return new Interaction.Message(
                text(node, "method"),
                text(node, "url"),
                node.path("status").asInt(),
                text(node, "reason"),
                text(node, "version"),
                headers,
                bytes);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** Returns {@code bytes} as text if they are valid UTF-8, else {@code null}. */
    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
