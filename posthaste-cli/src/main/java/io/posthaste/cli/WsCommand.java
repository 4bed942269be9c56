package io.posthaste.cli;

import io.posthaste.ClientResponseException;
import io.posthaste.ClientSession;
import io.posthaste.WebSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code posthaste ws URL}: a WebSocket on the terminal, like websocat. Each line read from stdin
 * goes as a text message (a binary one with {@code --binary}); each message received is printed
 * as it arrives: a text message and a newline, a binary one as its bytes when piped or as
 * {@code [binary N bytes]} on a terminal. At the end of stdin the command closes with 1000 and
 * waits for the server's answer; it exits 0 when the WebSocket closed normally (1000, 1001 or no
 * code), 1 otherwise, with the close code and reason on stderr.
 */
@Command(
        name = "ws",
        sortOptions = false,
        description = "Opens a WebSocket: sends each line of stdin as a message and prints the messages "
                + "that arrive, until either side closes.")
final class WsCommand implements Callable<Integer> {

    private final Terminal terminal;

    @Parameters(paramLabel = "URL", description = "ws:// or wss:// (http(s):// and :8080/x shorthands work too).")
    String url;

    @Option(
            names = {"-H", "--header"},
            paramLabel = "NAME:VALUE",
            description = "A header of the opening handshake (repeatable).")
    List<String> headers = new ArrayList<>();

    @Option(names = "--subprotocol", paramLabel = "NAME", description = "Offer this subprotocol (repeatable).")
    List<String> subprotocols = new ArrayList<>();

    @Option(names = "--binary", description = "Send each line as a binary message rather than text.")
    boolean binary;

    @Option(names = "--no-compression", description = "Do not offer permessage-deflate.")
    boolean noCompression;

    @Option(
            names = "--ping",
            paramLabel = "SECONDS",
            description = "Send a keep-alive ping this often; a server that answers nothing is dropped.")
    Double ping;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            description = "Limit for connecting, the TLS handshake and the handshake's answer.")
    Double timeout;

    @Option(
            names = "--verify",
            paramLabel = "yes|no|CA_FILE",
            defaultValue = "yes",
            description = "Verify the server's certificate (default), skip it, or trust CA_FILE.")
    String verify;

    @Option(names = "--debug", description = "Print stack traces of errors.")
    boolean debug;

    @Option(names = "--help", usageHelp = true, description = "Show this help and exit.")
    boolean help;

    WsCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        String target = wsUrl(url);
        try (ClientSession session = Sender.trustAndTimeout(
                        ClientSession.builder().eventLoopThreads(1),
                        Trust.forOptions(verify, null, terminal.directory()),
                        Sender.timeout(timeout))
                .build()) {
            WebSocket.Builder builder = session.websocket(target)
                    .compression(!noCompression)
                    .subprotocols(subprotocols.toArray(String[]::new));
            for (String header : headers) {
                int colon = header.indexOf(':');
                if (colon <= 0) {
                    throw CliException.usage("--header takes NAME:VALUE, not '" + header + "'");
                }
                builder.header(
                        header.substring(0, colon).trim(),
                        header.substring(colon + 1).trim());
            }
            if (ping != null) {
                if (!(ping > 0) || ping > 86_400) {
                    throw CliException.usage("--ping must be between 0 and 86400 seconds, not " + ping);
                }
                builder.pingInterval(Duration.ofMillis(Math.max(1, Math.round(ping * 1000))));
            }
            try (WebSocket ws = builder.connect()) {
                Thread sender = new Thread(() -> sendLines(ws), "posthaste-ws-stdin");
                sender.setDaemon(true);
                sender.start();
                return print(ws);
            }
        } catch (ClientResponseException refused) {
            terminal.err().println("posthaste: the server did not open the WebSocket: " + refused.getMessage());
            return refused.status() >= 500
                    ? ExitCode.HTTP_5XX
                    : refused.status() >= 400 ? ExitCode.HTTP_4XX : ExitCode.ERROR;
        } catch (CancellationException interrupted) {
            return ExitCode.INTERRUPTED;
        } catch (RuntimeException e) {
            return Main.report(e, "GET " + target, terminal, debug);
        }
    }

    /** Prints every message until the close; returns the exit code the close stands for. */
    private int print(WebSocket ws) {
        PrintStream out = terminal.out();
        while (true) {
            WebSocket.Message message = ws.receive();
            if (message.isClose()) {
                out.flush();
                int code = message.closeCode();
                if (code == 1000 || code == 1001 || code == 1005) {
                    return ExitCode.OK;
                }
                terminal.err()
                        .println("posthaste: the WebSocket closed with " + code
                                + (message.closeReason().isEmpty() ? "" : ": " + message.closeReason()));
                return ExitCode.ERROR;
            }
            if (message.isText()) {
                out.println(message.text());
            } else if (terminal.stdoutIsTerminal()) {
                out.println("[binary " + message.buffer().remaining() + " bytes]");
            } else {
                out.writeBytes(message.bytes());
            }
            out.flush();
        }
    }

    /** Sends each line of stdin, one at a time (each once the last is written), then closes. */
    private void sendLines(WebSocket ws) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(terminal.in(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null && ws.isOpen()) {
                (binary ? ws.sendBinary(line.getBytes(StandardCharsets.UTF_8)) : ws.sendText(line)).join();
            }
        } catch (IOException | RuntimeException stopped) {
            // The WebSocket closed under the sender, or stdin failed: either way, close.
        }
        if (ws.isOpen()) {
            ws.close(1000, "");
        }
    }

    /** Returns {@code url} as a ws(s) URL, with the request command's shorthands. */
    static String wsUrl(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("ws://") || lower.startsWith("wss://")) {
            return url;
        }
        return Urls.expand(url).replaceFirst("^(?i)http", "ws");
    }
}
