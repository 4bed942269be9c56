package io.posthaste.micrometer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads samples out of Prometheus text output, as a scraper would. */
record PrometheusScrape(String text) {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** One sample line. */
    record Sample(String name, Map<String, String> labels, double value) {}

    List<Sample> samples() {
        return text.lines()
                .filter(line -> !line.startsWith("#") && !line.isBlank())
                .map(line -> {
                    Matcher m = SAMPLE.matcher(line);
                    if (!m.matches()) {
                        throw new IllegalArgumentException("not a sample: " + line);
                    }
                    Map<String, String> labels = new LinkedHashMap<>();
                    if (m.group(3) != null) {
                        Matcher l = LABEL.matcher(m.group(3));
                        while (l.find()) {
                            labels.put(l.group(1), l.group(2));
                        }
                    }
                    return new Sample(m.group(1), labels, Double.parseDouble(m.group(4)));
                })
                .toList();
    }

    /** Returns the sum of the samples named {@code name} whose labels include {@code labels}. */
    double sum(String name, Map<String, String> labels) {
        return samples().stream()
                .filter(s -> s.name().equals(name))
                .filter(s -> s.labels().entrySet().containsAll(labels.entrySet()))
                .mapToDouble(Sample::value)
                .sum();
    }

    /** Returns the sum of every sample named {@code name}. */
    double sum(String name) {
        return sum(name, Map.of());
    }
}
