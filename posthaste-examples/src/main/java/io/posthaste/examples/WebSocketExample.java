package io.posthaste.examples;

import io.posthaste.ClientSession;
import io.posthaste.WebSocket;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * The README's WebSocket example as compiled code: open a chat, send lines, print what comes back
 * until the server closes. The lines between the {@code snippet} markers are the README's, word for
 * word ({@code WebSocketExampleTest} checks it).
 */
public final class WebSocketExample {

    private WebSocketExample() {
    }

    /**
     * Sends {@code lines} to the WebSocket at {@code url}, closes, and prints to {@code out} every
     * message that arrives before the server's close; returns that close's code.
     */
    public static int chat(ClientSession session, String url, List<String> lines, PrintStream out) {
        // snippet: websocket
        try (WebSocket ws = session.websocket(url)
                .subprotocols("chat.v1")
                .pingInterval(Duration.ofSeconds(30))  // keep-alive, and finds a dead server
                .connect()) {
            for (String line : lines) {
                ws.sendText(line).join();              // back-pressure: wait until it is written
            }
            ws.close(1000, "done");                    // messages already on their way still arrive
            while (true) {
                WebSocket.Message message = ws.receive();   // blocks: cheap on a virtual thread
                if (message.isClose()) {
                    return message.closeCode();
                }
                out.println(message.isText() ? message.text() : message.bytes().length + " bytes");
            }
        }
        // end snippet
    }
}
