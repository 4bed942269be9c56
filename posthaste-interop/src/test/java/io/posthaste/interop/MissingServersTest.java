package io.posthaste.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/**
 * A missing server skips the interop tests on a developer's machine and fails them on CI, and
 * either way the message says how to install the servers.
 */
final class MissingServersTest {

    @Test
    void missingBinaryAbortsLocallyAndFailsWhenRequiredNamingTheInstallScript() {
        Throwable outcome = catchThrowable(() -> MissingServers.require(
                "imaginary-server", List.of(Path.of("/nonexistent/posthaste/imaginary-server")), List.of()));

        assertThat(outcome)
                .isInstanceOf(MissingServers.required() ? AssertionError.class : TestAbortedException.class)
                .hasMessageContaining("/nonexistent/posthaste/imaginary-server")
                .hasMessageContaining("posthaste-interop/install-servers.sh");
    }

    @Test
    void missingPythonModuleIsReportedLikeAMissingBinary() {
        Throwable outcome = catchThrowable(
                () -> MissingServers.require("imaginary-app", List.of(), List.of("posthaste_no_such_module")));

        assertThat(outcome)
                .isInstanceOf(MissingServers.required() ? AssertionError.class : TestAbortedException.class)
                .hasMessageContaining("posthaste_no_such_module")
                .hasMessageContaining("install-servers.sh");
    }

    @Test
    void aMissingModuleFileIsReportedLikeAMissingBinary() {
        // nginx's dynamic modules are read, not run: a readable .so without the x bit is there.
        Throwable outcome = catchThrowable(() -> MissingServers.require(
                "imaginary-server",
                List.of(Path.of("/bin/sh")),
                List.of(Path.of("/nonexistent/posthaste/ngx_imaginary_module.so")),
                List.of()));

        assertThat(outcome)
                .isInstanceOf(MissingServers.required() ? AssertionError.class : TestAbortedException.class)
                .hasMessageContaining("/nonexistent/posthaste/ngx_imaginary_module.so")
                .hasMessageContaining("install-servers.sh");
    }

    @Test
    void installedServersPassTheCheck() {
        Throwable outcome = catchThrowable(() -> MissingServers.require("sh", List.of(Path.of("/bin/sh")), List.of()));

        assertThat(outcome).isNull();
    }

    @Test
    void aReadableFileWithoutTheExecuteBitPassesTheModuleCheck() {
        Throwable outcome = catchThrowable(() ->
                MissingServers.require("sh", List.of(Path.of("/bin/sh")), List.of(Path.of("/etc/passwd")), List.of()));

        assertThat(outcome).isNull();
    }
}
