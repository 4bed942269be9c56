package io.posthaste.interop;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Map;

/** JSON values to compare servers' echoes with. */
final class HttpbinJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private HttpbinJson() {}

    /** Returns {@code map} as a JSON object of strings. */
    static ObjectNode object(Map<String, String> map) {
        ObjectNode node = MAPPER.createObjectNode();
        map.forEach(node::put);
        return node;
    }

    static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }
}
