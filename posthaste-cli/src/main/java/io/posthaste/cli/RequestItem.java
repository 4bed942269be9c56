package io.posthaste.cli;

/**
 * One request item of httpie's syntax, parsed from a command-line argument by
 * {@link RequestItem#parse(String)}.
 *
 * <table>
 *   <caption>Item syntaxes</caption>
 *   <tr><th>argument</th><th>kind</th></tr>
 *   <tr><td>{@code Name:Value}</td><td>{@link Kind#HEADER}; {@code Name:} removes the header</td></tr>
 *   <tr><td>{@code Name;}</td><td>{@link Kind#EMPTY_HEADER}: sent with an empty value</td></tr>
 *   <tr><td>{@code name==value}</td><td>{@link Kind#QUERY}</td></tr>
 *   <tr><td>{@code field=value}</td><td>{@link Kind#DATA}: JSON string, or form field</td></tr>
 *   <tr><td>{@code field:=json}</td><td>{@link Kind#RAW_JSON}</td></tr>
 *   <tr><td>{@code field=@path}</td><td>{@link Kind#DATA_FROM_FILE}: the file's text</td></tr>
 *   <tr><td>{@code field:=@path}</td><td>{@link Kind#RAW_JSON_FROM_FILE}</td></tr>
 *   <tr><td>{@code field@path[;type=mime]}</td><td>{@link Kind#FILE}: a multipart file part</td></tr>
 *   <tr><td>{@code @path}</td><td>{@link Kind#BODY_FROM_FILE}: the raw body</td></tr>
 *   <tr><td>{@code -}</td><td>{@link Kind#BODY_FROM_STDIN}</td></tr>
 * </table>
 *
 * <p>A backslash in the name makes the next character literal, so {@code a\:b=c} is the field
 * {@code a:b}. The first separator from the left wins, the longest one at that place.
 *
 * @param kind what the item is
 * @param name the header, parameter or field name; empty for raw bodies
 * @param value the value, the file path, or empty
 * @param contentType the {@code ;type=} of a file item, or {@code null}
 */
public record RequestItem(Kind kind, String name, String value, String contentType) {

    /** The kinds of item. */
    public enum Kind {
        /** A request header. */
        HEADER,
        /** A header explicitly sent with an empty value. */
        EMPTY_HEADER,
        /** A header to leave out ({@code Name:}): one of the automatic ones. */
        REMOVED_HEADER,
        /** A query parameter. */
        QUERY,
        /** A data field with a string value. */
        DATA,
        /** A data field whose value is raw JSON. */
        RAW_JSON,
        /** A data field whose string value is a file's text. */
        DATA_FROM_FILE,
        /** A data field whose raw JSON value is read from a file. */
        RAW_JSON_FROM_FILE,
        /** A file sent as a multipart part. */
        FILE,
        /** The whole request body, from a file. */
        BODY_FROM_FILE,
        /** The whole request body, from standard input. */
        BODY_FROM_STDIN;

        /** Returns whether the item makes the request have a body. */
        public boolean isBody() {
            return ordinal() >= DATA.ordinal();
        }
    }

    /** Separators, longest first so that {@code :=@} wins over {@code :=} and {@code :}. */
    private static final String[] SEPARATORS = {":=@", "==", ":=", "=@", "=", "@", ":", ";"};

    /**
     * Parses one argument.
     *
     * @throws IllegalArgumentException if it is not an item (no separator, or an empty name
     *     where one is needed)
     */
    public static RequestItem parse(String argument) {
        if (argument.equals("-")) {
            return new RequestItem(Kind.BODY_FROM_STDIN, "", "", null);
        }
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < argument.length(); i++) {
            char c = argument.charAt(i);
            if (c == '\\' && i + 1 < argument.length()) {
                name.append(argument.charAt(++i));
                continue;
            }
            for (String separator : SEPARATORS) {
                if (argument.startsWith(separator, i)) {
                    return of(argument, name.toString(), separator, argument.substring(i + separator.length()));
                }
            }
            name.append(c);
        }
        throw new IllegalArgumentException("not a request item: '" + argument
                + "' (expected Header:Value, param==value, field=value, field:=json, field@file, "
                + "@file or -)");
    }

    private static RequestItem of(String argument, String name, String separator, String value) {
        if (separator.equals("@") && name.isEmpty()) {
            return new RequestItem(Kind.BODY_FROM_FILE, "", requirePath(argument, value), null);
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException(
                    "request item '" + argument + "' has no name before '" + separator + "'");
        }
        return switch (separator) {
            case ":" -> new RequestItem(value.isEmpty() ? Kind.REMOVED_HEADER : Kind.HEADER, name, value.strip(), null);
            case ";" -> {
                if (!value.isEmpty()) {
                    throw new IllegalArgumentException(
                            "request item '" + argument + "': 'Name;' sends an empty header and takes no value");
                }
                yield new RequestItem(Kind.EMPTY_HEADER, name, "", null);
            }
            case "==" -> new RequestItem(Kind.QUERY, name, value, null);
            case "=" -> new RequestItem(Kind.DATA, name, value, null);
            case ":=" -> new RequestItem(Kind.RAW_JSON, name, value, null);
            case "=@" -> new RequestItem(Kind.DATA_FROM_FILE, name, requirePath(argument, value), null);
            case ":=@" -> new RequestItem(Kind.RAW_JSON_FROM_FILE, name, requirePath(argument, value), null);
            default -> fileItem(argument, name, value);
        };
    }

    private static RequestItem fileItem(String argument, String name, String value) {
        String path = value;
        String type = null;
        int at = value.lastIndexOf(";type=");
        if (at >= 0) {
            path = value.substring(0, at);
            type = value.substring(at + ";type=".length()).strip();
        }
        return new RequestItem(Kind.FILE, name, requirePath(argument, path), type);
    }

    private static String requirePath(String argument, String path) {
        if (path.isEmpty()) {
            throw new IllegalArgumentException("request item '" + argument + "' names no file");
        }
        return path;
    }
}
