package io.posthaste.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Command-line options of {@link LoadMain}; every bound has a default so a run always ends. */
record Options(
        String driver,
        String label,
        Scenario scenario,
        URI base,
        Path out,
        int rep,
        double warmupMinSeconds,
        double warmupMaxSeconds,
        double measureSeconds,
        long maxRequests,
        int transfers,
        Path uploadFile,
        String downloadPath,
        long downloadBytes,
        Path downloadTarget,
        double deadlineSeconds,
        URI proxy) {

    static Options parse(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            }
            m.put(args[i].substring(2), args[i + 1]);
        }
        return new Options(
                req(m, "driver"),
                // The client's name in the results (default: the driver's), such as posthaste-nio.
                m.get("label"),
                Scenario.byId(req(m, "scenario")),
                URI.create(m.getOrDefault("base", "http://127.0.0.1:8089")),
                Path.of(m.getOrDefault("out", "results.jsonl")),
                Integer.parseInt(m.getOrDefault("rep", "1")),
                Double.parseDouble(m.getOrDefault("warmup-min", "5")),
                Double.parseDouble(m.getOrDefault("warmup-max", "60")),
                Double.parseDouble(m.getOrDefault("measure", "10")),
                Long.parseLong(m.getOrDefault("max-requests", "20000000")),
                Integer.parseInt(m.getOrDefault("transfers", "3")),
                Path.of(m.getOrDefault("upload-file", "/tmp/posthaste-bench/upload.bin")),
                m.getOrDefault("download-path", "/files/download.bin"),
                Long.parseLong(m.getOrDefault("download-bytes", "-1")),
                Path.of(m.getOrDefault("download-target", "/tmp/posthaste-bench/download.out")),
                Double.parseDouble(m.getOrDefault("deadline", "300")),
                // The HTTP proxy of the proxy-* scenarios.
                URI.create(m.getOrDefault("proxy", "http://127.0.0.1:8092")));
    }

    private static String req(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing --" + key);
        }
        return v;
    }
}
