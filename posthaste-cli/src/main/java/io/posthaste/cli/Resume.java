package io.posthaste.cli;

import io.posthaste.ClientSession;
import java.nio.file.Path;

/**
 * {@code --download --continue --output FILE}: saves the body through the client's resumable
 * {@link io.posthaste.Download}, which continues {@code FILE.part} left by an earlier run and
 * resumes across dropped connections, with the progress bar counting the bytes already on disk.
 */
final class Resume {

    /** Resumes after a dropped connection this many times before giving up. */
    private static final int RETRIES = 3;

    private Resume() {}

    /** Downloads {@code spec} to {@code target}; returns the exit code. */
    static int download(ClientSession session, RequestSpec spec, Path target, Terminal terminal) {
        terminal.err()
                .println("Downloading to \"" + target + "\" (continuing " + target.getFileName()
                        + ".part if there is one)");
        ProgressBar[] bar = {null};
        long[] shown = {0};
        long size = spec.toBuilder(session)
                .download(target)
                .retries(RETRIES)
                .onProgress((done, total) -> {
                    if (bar[0] == null) {
                        bar[0] = ProgressBar.forTransfer(terminal, "", total);
                    }
                    bar[0].advance(done - shown[0]);
                    shown[0] = done;
                })
                .run();
        if (bar[0] != null) {
            bar[0].finish();
        }
        terminal.err().println("Done. " + Units.bytes(size) + " in \"" + target + "\"");
        return ExitCode.OK;
    }
}
