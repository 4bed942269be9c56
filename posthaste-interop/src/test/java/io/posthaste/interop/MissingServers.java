package io.posthaste.interop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Decides what a missing server means. On a developer's machine the interop tests are skipped
 * (aborted with an assumption) so that {@code ./mvnw verify} still works without nginx or Python;
 * on CI (the {@code CI} environment variable set) or with {@code -Dposthaste.interop.required=true}
 * they fail, because a silently skipped interop suite proves nothing.
 */
final class MissingServers {

    static final String INSTALL_HINT = "run `sudo bash posthaste-interop/install-servers.sh`";

    private MissingServers() {}

    /**
     * Checks that every executable exists and that {@code /usr/bin/python3} can import every module;
     * aborts or fails the calling test class otherwise.
     */
    static void require(String server, List<Path> executables, List<String> pythonModules) {
        require(server, executables, List.of(), pythonModules);
    }

    /**
     * Checks as {@link #require(String, List, List)} does, and also that every file in
     * {@code files} (what a server loads but does not run, e.g. an nginx dynamic module) is readable.
     */
    static void require(String server, List<Path> executables, List<Path> files, List<String> pythonModules) {
        List<String> missing = new ArrayList<>();
        for (Path executable : executables) {
            if (!Files.isExecutable(executable)) {
                missing.add(executable.toString());
            }
        }
        for (Path file : files) {
            if (!Files.isReadable(file)) {
                missing.add(file.toString());
            }
        }
        if (missing.isEmpty() && !pythonModules.isEmpty() && !pythonImports(pythonModules)) {
            missing.add("python modules " + pythonModules + " for " + Commands.PYTHON);
        }
        if (missing.isEmpty()) {
            return;
        }
        String message = server + " cannot start, missing: " + String.join(", ", missing) + "; " + INSTALL_HINT;
        if (required()) {
            throw new AssertionError(message + " (required: CI is set or -Dposthaste.interop.required=true)");
        }
        Assumptions.abort(message);
    }

    static boolean required() {
        String ci = System.getenv("CI");
        return (ci != null && !ci.isBlank()) || Boolean.getBoolean("posthaste.interop.required");
    }

    private static boolean pythonImports(List<String> modules) {
        if (!Files.isExecutable(Commands.PYTHON)) {
            return false;
        }
        try {
            Process check = new ProcessBuilder(Commands.PYTHON.toString(), "-c", "import " + String.join(", ", modules))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            if (!check.waitFor(20, TimeUnit.SECONDS)) {
                check.destroyForcibly();
                return false;
            }
            return check.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
