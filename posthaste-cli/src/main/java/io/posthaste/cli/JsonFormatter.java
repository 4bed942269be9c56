package io.posthaste.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Pretty-prints a JSON tree with four-space indents, keys in their original order, and with
 * {@link Ansi#ON} coloured like httpie: keys blue, strings green, numbers cyan, booleans yellow,
 * null magenta.
 */
final class JsonFormatter {

    private static final String INDENT = "    ";

    private final Ansi ansi;
    private final StringBuilder out = new StringBuilder();

    private JsonFormatter(Ansi ansi) {
        this.ansi = ansi;
    }

    /** Returns {@code node} pretty-printed, without a trailing newline. */
    static String format(JsonNode node, Ansi ansi) {
        JsonFormatter formatter = new JsonFormatter(ansi);
        formatter.value(node, 0);
        return formatter.out.toString();
    }

    private void value(JsonNode node, int depth) {
        if (node.isObject()) {
            object(node, depth);
        } else if (node.isArray()) {
            array(node, depth);
        } else if (node.isTextual()) {
            out.append(ansi.paint(Ansi.GREEN, node.toString()));
        } else if (node.isNumber()) {
            out.append(ansi.paint(Ansi.CYAN, node.toString()));
        } else if (node.isBoolean()) {
            out.append(ansi.paint(Ansi.YELLOW, node.toString()));
        } else if (node.isNull()) {
            out.append(ansi.paint(Ansi.MAGENTA, "null"));
        } else {
            out.append(node);
        }
    }

    private void object(JsonNode node, int depth) {
        if (node.isEmpty()) {
            out.append("{}");
            return;
        }
        out.append("{\n");
        Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            indent(depth + 1);
            // TextNode.toString() quotes and escapes exactly as JSON needs.
            out.append(ansi.paint(Ansi.BLUE, TextNode.valueOf(field.getKey()).toString()))
                    .append(": ");
            value(field.getValue(), depth + 1);
            out.append(fields.hasNext() ? ",\n" : "\n");
        }
        indent(depth);
        out.append('}');
    }

    private void array(JsonNode node, int depth) {
        if (node.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append("[\n");
        for (int i = 0; i < node.size(); i++) {
            indent(depth + 1);
            value(node.get(i), depth + 1);
            out.append(i + 1 < node.size() ? ",\n" : "\n");
        }
        indent(depth);
        out.append(']');
    }

    private void indent(int depth) {
        out.append(INDENT.repeat(depth));
    }
}
