package io.posthaste.interop;

import java.nio.file.Path;

/**
 * Where the servers' binaries are. Full paths on purpose: Debian's python3-httpbin, gunicorn,
 * python3-aiohttp and python3-hypercorn are installed for the system interpreter, and a {@code python3} found first on
 * {@code PATH} (pyenv, a virtualenv) would not have them.
 */
final class Commands {

    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path GUNICORN = Path.of("/usr/bin/gunicorn");
    static final Path NGINX = Path.of("/usr/sbin/nginx");
    static final Path HYPERCORN = Path.of("/usr/bin/hypercorn");
    static final Path NGHTTPD = Path.of("/usr/sbin/nghttpd");
    static final Path CADDY = Path.of("/usr/bin/caddy");

    private Commands() {}

    /** Returns {@code target/interop} of this module, where configs, logs and generated files go. */
    static Path workDir() {
        return Path.of(System.getProperty("basedir", "."))
                .toAbsolutePath()
                .resolve("target")
                .resolve("interop");
    }
}
