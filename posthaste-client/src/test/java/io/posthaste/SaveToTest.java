package io.posthaste;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.posthaste.testing.MockResponse;
import io.posthaste.testing.TestServer;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StreamingResponse#saveTo}: the file appears whole or not at all, with the mode any new
 * file gets (0666 masked by the umask, as curl and wget leave a download), never a private 0600.
 */
class SaveToTest {

    @TempDir
    Path dir;

    private TestServer server;
    private ClientSession session;

    @BeforeEach
    void start() {
        server = TestServer.start();
        session = ClientSession.create();
    }

    @AfterEach
    void stop() {
        session.close();
        server.close();
    }

    @Test
    void aSavedFileGetsTheModeOfANewFileNotAPrivateOne() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "file modes are POSIX");
        Set<PosixFilePermission> newFileMode =
                Files.getPosixFilePermissions(Files.createFile(dir.resolve("reference")));
        server.enqueue(MockResponse.ok("saved"));
        Path target = dir.resolve("saved.txt");
        try (StreamingResponse response = session.get(server.url("/file")).stream()) {
            response.saveTo(target);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
                .as("under the usual umask 022 both are rw-r--r--")
                .isEqualTo(PosixFilePermissions.toString(newFileMode));
    }

    @Test
    void aFileSavedOverAnotherGetsTheNewFileModeAndTheNewBytes() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "file modes are POSIX");
        Set<PosixFilePermission> newFileMode =
                Files.getPosixFilePermissions(Files.createFile(dir.resolve("reference")));
        Path target = Files.writeString(dir.resolve("saved.txt"), "an older, longer version");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        server.enqueue(MockResponse.ok("new"));
        try (StreamingResponse response = session.get(server.url("/file")).stream()) {
            assertThat(response.saveTo(target)).isEqualTo(3);
        }
        assertThat(Files.readString(target)).isEqualTo("new");
        assertThat(Files.getPosixFilePermissions(target)).isEqualTo(newFileMode);
        assertThat(filesIn(dir)).containsExactlyInAnyOrder("reference", "saved.txt");
    }

    @Test
    void aBodyThatFailsMidwayLeavesNeitherTheFileNorAPartialOne() throws Exception {
        server.enqueue(MockResponse.builder()
                .body(new byte[100_000])
                .disconnectAfterBodyBytes(50_000)
                .build());
        Path target = dir.resolve("cut.bin");
        try (StreamingResponse response = session.get(server.url("/cut")).stream()) {
            assertThatThrownBy(() -> response.saveTo(target))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining(target.toString());
        }
        assertThat(filesIn(dir)).isEmpty();
    }

    private static String[] filesIn(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).toArray(String[]::new);
        }
    }
}
