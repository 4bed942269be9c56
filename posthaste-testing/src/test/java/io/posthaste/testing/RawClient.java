package io.posthaste.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A blocking socket client that shows exactly what the server put on the wire. Every read times out. */
final class RawClient implements AutoCloseable {

    /** One response as read from the wire. */
    record Response(
            int status,
            String reason,
            List<Map.Entry<String, String>> headers,
            byte[] body,
            List<Integer> chunkSizes,
            List<Map.Entry<String, String>> trailers) {
        String header(String name) {
            return headers.stream()
                    .filter(h -> h.getKey().equalsIgnoreCase(name))
                    .map(Map.Entry::getValue)
                    .findFirst()
                    .orElse(null);
        }

        String bodyUtf8() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawClient(TestServer server) throws IOException {
        this(server.port(), 5_000);
    }

    RawClient(int port, int readTimeoutMillis) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(readTimeoutMillis);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    Socket socket() {
        return socket;
    }

    RawClient send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Reads one response; {@code headRequest} means no body follows the head. */
    Response read(boolean headRequest) throws IOException {
        String statusLine = line();
        if (statusLine == null) {
            throw new IOException("connection closed before a status line");
        }
        String[] parts = statusLine.split(" ", 3);
        int status = Integer.parseInt(parts[1]);
        List<Map.Entry<String, String>> headers = fields();
        Response head =
                new Response(status, parts.length > 2 ? parts[2] : "", headers, new byte[0], List.of(), List.of());
        if (headRequest || status < 200 || status == 204 || status == 304) {
            return head;
        }
        if ("chunked".equalsIgnoreCase(head.header("Transfer-Encoding"))) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            List<Integer> sizes = new ArrayList<>();
            while (true) {
                int size = Integer.parseInt(line().split(";")[0], 16);
                if (size == 0) {
                    return new Response(status, head.reason(), headers, body.toByteArray(), sizes, fields());
                }
                sizes.add(size);
                body.write(in.readNBytes(size));
                line();
            }
        }
        String length = head.header("Content-Length");
        byte[] body = length != null ? in.readNBytes(Integer.parseInt(length)) : in.readAllBytes();
        return new Response(status, head.reason(), headers, body, List.of(), List.of());
    }

    Response read() throws IOException {
        return read(false);
    }

    /** Reads until the server closes; returns what arrived. */
    byte[] readToEnd() throws IOException {
        return in.readAllBytes();
    }

    /** Returns true when the server closed the connection (EOF or reset) within the read timeout. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private List<Map.Entry<String, String>> fields() throws IOException {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (String l = line(); l != null && !l.isEmpty(); l = line()) {
            int colon = l.indexOf(':');
            headers.add(new SimpleImmutableEntry<>(
                    l.substring(0, colon), l.substring(colon + 1).trim()));
        }
        return headers;
    }

    private String line() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = buf.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            buf.write(b);
        }
        return buf.size() == 0 ? null : buf.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    }
}
