package io.posthaste.cli;

import java.util.Locale;

/** Human-readable sizes: {@code 512 B}, {@code 1.5 KiB}, {@code 64.0 MiB}. */
final class Units {

    private Units() {}

    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
