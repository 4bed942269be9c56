package io.posthaste.cli;

/** ANSI colours for terminal output; {@link #NONE} leaves text as it is. */
enum Ansi {
    /** Colours on. */
    ON,
    /** Colours off: every method returns its text unchanged. */
    NONE;

    static final String RESET = "\u001b[0m";
    static final String BLUE = "\u001b[34m";
    static final String GREEN = "\u001b[32m";
    static final String CYAN = "\u001b[36m";
    static final String YELLOW = "\u001b[33m";
    static final String MAGENTA = "\u001b[35m";
    static final String RED = "\u001b[31m";
    static final String BOLD = "\u001b[1m";

    /** Returns {@code text} in {@code color} (one of the constants), or unchanged when off. */
    String paint(String color, String text) {
        return this == ON ? color + text + RESET : text;
    }
}
