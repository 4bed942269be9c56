package io.posthaste.reliability.fuzz;

import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Map;

/**
 * Renders a generated input for a failure message: every character that a terminal would hide
 * or act on (C0 and C1 controls, DEL, line and paragraph separators, format characters such as
 * the BOM, surrogates) is escaped as {@code \r}, {@code \n}, {@code \t}, {@code \0} or
 * {@code \}{@code uXXXX}; byte arrays are shown as ISO-8859-1 text with {@code \xNN} escapes;
 * records, lists and map entries are shown component by component. Each string or array is cut
 * after {@value #MAX_PART} characters, the whole text after {@value #MAX_TOTAL}, saying how much
 * was left out, so a 200 KB input still gives a readable message.
 */
final class InputText {

    static final int MAX_PART = 400;
    static final int MAX_TOTAL = 4000;

    private InputText() {}

    /** Returns {@code value} rendered as described in the class comment. */
    static String of(Object value) {
        StringBuilder out = new StringBuilder();
        append(out, value);
        return out.length() <= MAX_TOTAL
                ? out.toString()
                : out.substring(0, MAX_TOTAL) + "…(" + (out.length() - MAX_TOTAL) + " more characters)";
    }

    private static void append(StringBuilder out, Object value) {
        if (value instanceof CharSequence text) {
            out.append('"');
            escape(out, text.toString());
            out.append('"');
        } else if (value instanceof byte[] bytes) {
            out.append("bytes[").append(bytes.length).append("]\"");
            for (int i = 0; i < Math.min(bytes.length, MAX_PART); i++) {
                int b = bytes[i] & 0xff;
                if (b >= 0x20 && b < 0x7f && b != '\\' && b != '"') {
                    out.append((char) b);
                } else {
                    out.append(String.format("\\x%02x", b));
                }
            }
            out.append(bytes.length > MAX_PART ? "\"…" : "\"");
        } else if (value instanceof Collection<?> items) {
            out.append('[');
            String separator = "";
            for (Object item : items) {
                out.append(separator);
                append(out, item);
                separator = ", ";
            }
            out.append(']');
        } else if (value instanceof Map.Entry<?, ?> entry) {
            append(out, entry.getKey());
            out.append('=');
            append(out, entry.getValue());
        } else if (value != null && value.getClass().isRecord()) {
            appendRecord(out, value);
        } else {
            escape(out, String.valueOf(value));
        }
    }

    private static void appendRecord(StringBuilder out, Object record) {
        out.append(record.getClass().getSimpleName()).append('[');
        String separator = "";
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            out.append(separator).append(component.getName()).append('=');
            try {
                component.getAccessor().setAccessible(true);
                append(out, component.getAccessor().invoke(record));
            } catch (ReflectiveOperationException | RuntimeException unreadable) {
                out.append('?');
            }
            separator = ", ";
        }
        out.append(']');
    }

    private static void escape(StringBuilder out, String text) {
        int end = Math.min(text.length(), MAX_PART);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\r' -> out.append("\\r");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\0' -> out.append("\\0");
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                default -> {
                    if (hidden(c)) {
                        out.append(String.format("\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (text.length() > end) {
            out.append("…(").append(text.length() - end).append(" more characters)");
        }
    }

    private static boolean hidden(char c) {
        int type = Character.getType(c);
        return Character.isISOControl(c)
                || Character.isSurrogate(c)
                || type == Character.FORMAT
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.SPACE_SEPARATOR && c != ' '
                || type == Character.UNASSIGNED;
    }
}
