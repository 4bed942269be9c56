package io.posthaste.testing;

import io.netty.handler.ssl.JdkSslContext;
import io.posthaste.testing.internal.TlsMaterial;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny HTTP or SOCKS5 proxy on {@code 127.0.0.1} for the client's tests, above all for the
 * ways a proxy fails (real proxies, squid and microsocks, are the interop tests' business). As an
 * HTTP proxy it answers {@code CONNECT} with a tunnel and relays absolute-form requests to their
 * origin as they are; as a SOCKS proxy it tunnels to the address asked for, in SOCKS5 or, when
 * the client speaks it, SOCKS4a (the user id is then the only credential). Either can demand
 * credentials, and {@link #behave} makes it fail in one way instead: answer a status, close
 * before answering, or never answer. Every request head it receives is {@linkplain #takeHead
 * recorded}. Threads are named {@code posthaste-testserver-proxy-…}, so the leak check sees one
 * left running; {@link #close()} ends them and every socket.
 */
public final class TestProxy implements Closeable {

    /** How the proxy answers. */
    public enum Behaviour {
        /** Opens the tunnel (or relays the request): a working proxy. */
        TUNNEL,
        /** Answers {@code 403 Forbidden} (HTTP) or "connection not allowed by ruleset" (SOCKS5). */
        FORBIDDEN,
        /** Answers {@code 502 Bad Gateway} (HTTP) or "host unreachable" (SOCKS5). */
        BAD_GATEWAY,
        /** Closes the connection once the request is read, without a word. */
        CLOSE,
        /** Reads the request and never answers. */
        SILENT
    }

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final boolean socks;
    private final TlsMaterial tls;
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private final BlockingQueue<String> heads = new LinkedBlockingQueue<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile Behaviour behaviour = Behaviour.TUNNEL;
    private volatile String user;
    private volatile String password;
    private volatile boolean digest;
    private volatile boolean closed;

    private TestProxy(boolean socks, boolean https) throws IOException {
        this.socks = socks;
        this.tls = https ? TlsMaterial.generate("localhost", false) : null;
        this.server = tls == null
                ? new ServerSocket(0, 50, InetAddress.getLoopbackAddress())
                : ((JdkSslContext) tls.serverContext())
                        .context()
                        .getServerSocketFactory()
                        .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        start(this::acceptLoop);
    }

    /** Starts an HTTP proxy. */
    public static TestProxy http() {
        try {
            return new TestProxy(false, false);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts a SOCKS5 proxy. */
    public static TestProxy socks5() {
        try {
            return new TestProxy(true, false);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts an HTTPS proxy: TLS from the first byte, with a fresh self-signed certificate for
     * {@code localhost}, {@code 127.0.0.1} and {@code ::1} ({@link #certificate()}).
     */
    public static TestProxy https() {
        try {
            return new TestProxy(false, true);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Demands these credentials (Basic for HTTP, user/password for SOCKS5): 407 or an auth failure otherwise. */
    public TestProxy requireCredentials(String user, String password) {
        this.user = user;
        this.password = password;
        return this;
    }

    /**
     * Demands these credentials by HTTP Digest (RFC 7616, MD5 with {@code qop=auth}): a
     * {@code CONNECT} without a valid answer gets a {@code 407} with a Digest challenge.
     */
    public TestProxy requireDigest(String user, String password) {
        this.user = user;
        this.password = password;
        this.digest = true;
        return this;
    }

    /** Makes the proxy answer this way from now on. */
    public TestProxy behave(Behaviour behaviour) {
        this.behaviour = behaviour;
        return this;
    }

    /** Returns the certificate of an HTTPS proxy. */
    public X509Certificate certificate() {
        if (tls == null) {
            throw new IllegalStateException("not an HTTPS proxy");
        }
        return tls.certificate();
    }

    /** Returns the proxy's port. */
    public int port() {
        return server.getLocalPort();
    }

    /** Returns the proxy URL with no credentials, e.g. {@code http://127.0.0.1:PORT}. */
    public String url() {
        return scheme() + "127.0.0.1:" + port();
    }

    private String scheme() {
        return socks ? "socks5://" : tls != null ? "https://" : "http://";
    }

    /** Returns the proxy URL with credentials, e.g. {@code http://user:pw@127.0.0.1:PORT}. */
    public String url(String user, String password) {
        return scheme() + user + ":" + password + "@127.0.0.1:" + port();
    }

    /** Returns how many connections the proxy accepted. */
    public int connectionCount() {
        return connections.get();
    }

    /**
     * Returns the next request head the proxy received, lines joined by {@code \n} (for SOCKS5:
     * {@code CONNECT host:port}), waiting up to 10 s.
     *
     * @throws AssertionError if none arrived in time
     */
    public String takeHead() {
        try {
            String head = heads.poll(10, TimeUnit.SECONDS);
            if (head == null) {
                throw new AssertionError("the proxy received no request within 10 s");
            }
            return head;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Returns a head received, or null if none within {@code timeout}. */
    public String pollHead(Duration timeout) throws InterruptedException {
        return heads.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        closed = true;
        quietly(server);
        sockets.forEach(TestProxy::quietly);
        List<Thread> started;
        synchronized (threads) {
            started = List.copyOf(threads);
        }
        for (Thread thread : started) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = track(server.accept());
                connections.incrementAndGet();
                start(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try {
            if (socks) {
                serveSocks(client);
            } else {
                serveHttp(client);
            }
        } catch (IOException e) {
            // The client went away: nothing to answer.
        } finally {
            quietly(client);
        }
    }

    private void serveHttp(Socket client) throws IOException {
        InputStream in = client.getInputStream();
        OutputStream out = client.getOutputStream();
        String head = readHead(in);
        if (head == null) {
            return;
        }
        heads.add(head);
        if (!answerFault(out, in)) {
            return;
        }
        if (user != null
                && !(digest
                        ? digestAnswered(head)
                        : head.toLowerCase(java.util.Locale.ROOT)
                                .contains("\nproxy-authorization: basic "
                                        + Base64.getEncoder()
                                                .encodeToString(
                                                        (user + ":" + password).getBytes(StandardCharsets.UTF_8))
                                                .toLowerCase(java.util.Locale.ROOT)))) {
            write(
                    out,
                    "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: "
                            + (digest
                                    ? "Digest realm=\"test\", nonce=\"" + NONCE + "\", qop=\"auth\", algorithm=MD5"
                                    : "Basic realm=\"test\"")
                            + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            return;
        }
        String[] requestLine = head.substring(0, head.indexOf('\n')).split(" ");
        if (requestLine[0].equals("CONNECT")) {
            Socket origin = connect(requestLine[1]);
            write(out, "HTTP/1.1 200 Connection established\r\n\r\n");
            relay(client, origin, new byte[0]);
        } else {
            // Absolute form: relay the request as it came, head and all, to its origin.
            String authority = requestLine[1].replaceFirst("^https?://", "").replaceFirst("/.*$", "");
            Socket origin = connect(authority.contains(":") ? authority : authority + ":80");
            relay(client, origin, (head.replace("\n", "\r\n") + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    private void serveSocks(Socket client) throws IOException {
        InputStream in = client.getInputStream();
        OutputStream out = client.getOutputStream();
        int version = in.read();
        if (version == 4) {
            serveSocks4(client, in, out);
            return;
        }
        if (version != 5) {
            return;
        }
        byte[] methods = in.readNBytes(in.read());
        boolean wantsAuth = user != null;
        byte chosen = wantsAuth ? (byte) 2 : (byte) 0;
        boolean offered = false;
        for (byte m : methods) {
            offered |= m == chosen;
        }
        if (!offered) {
            out.write(new byte[] {5, (byte) 0xff});
            return;
        }
        out.write(new byte[] {5, chosen});
        if (wantsAuth) {
            in.read(); // sub-negotiation version
            String u = new String(in.readNBytes(in.read()), StandardCharsets.UTF_8);
            String p = new String(in.readNBytes(in.read()), StandardCharsets.UTF_8);
            boolean ok = u.equals(user) && p.equals(password);
            out.write(new byte[] {1, (byte) (ok ? 0 : 1)});
            if (!ok) {
                return;
            }
        }
        byte[] request = in.readNBytes(4);
        String host = switch (request[3]) {
            case 1 -> InetAddress.getByAddress(in.readNBytes(4)).getHostAddress();
            case 3 -> new String(in.readNBytes(in.read()), StandardCharsets.US_ASCII);
            case 4 -> "[" + InetAddress.getByAddress(in.readNBytes(16)).getHostAddress() + "]";
            default -> throw new IOException("bad address type");
        };
        byte[] portBytes = in.readNBytes(2);
        int port = (portBytes[0] & 0xff) << 8 | portBytes[1] & 0xff;
        heads.add("CONNECT " + host + ":" + port);
        byte reply = switch (behaviour) {
            case FORBIDDEN -> 2;
            case BAD_GATEWAY -> 4;
            default -> 0;
        };
        if (behaviour == Behaviour.CLOSE) {
            return;
        }
        if (behaviour == Behaviour.SILENT) {
            in.read();
            return;
        }
        if (reply != 0) {
            out.write(new byte[] {5, reply, 0, 1, 0, 0, 0, 0, 0, 0});
            return;
        }
        Socket origin = connect(host + ":" + port);
        out.write(new byte[] {5, 0, 0, 1, 127, 0, 0, 1, 0, 0});
        relay(client, origin, new byte[0]);
    }

    private static final String NONCE = "dcd98b7102dd2f0e8b11d0f600bfb0c093";

    /** Returns whether the head carries a valid Digest answer to this proxy's challenge. */
    private boolean digestAnswered(String head) {
        for (String line : head.split("\n")) {
            if (!line.toLowerCase(java.util.Locale.ROOT).startsWith("proxy-authorization: digest ")) {
                continue;
            }
            java.util.Map<String, String> p = new java.util.HashMap<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\w+)=(?:\"([^\"]*)\"|([^,\\s]*))")
                    .matcher(line.substring("proxy-authorization: digest ".length()));
            while (m.find()) {
                p.put(m.group(1).toLowerCase(java.util.Locale.ROOT), m.group(2) != null ? m.group(2) : m.group(3));
            }
            String method = head.substring(0, head.indexOf(' '));
            String ha1 = md5(user + ":test:" + password);
            String ha2 = md5(method + ":" + p.get("uri"));
            String expected = md5(ha1 + ":" + NONCE + ":" + p.get("nc") + ":" + p.get("cnonce") + ":auth:" + ha2);
            return user.equals(p.get("username")) && NONCE.equals(p.get("nonce")) && expected.equals(p.get("response"));
        }
        return false;
    }

    private static String md5(String text) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("MD5")
                            .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Serves a SOCKS4 or SOCKS4a request (the version byte read): a user id, no password; a name
     * after the user id when the address is {@code 0.0.0.x}.
     */
    private void serveSocks4(Socket client, InputStream in, OutputStream out) throws IOException {
        if (in.read() != 1) {
            return;
        }
        byte[] portBytes = in.readNBytes(2);
        int port = (portBytes[0] & 0xff) << 8 | portBytes[1] & 0xff;
        byte[] ip = in.readNBytes(4);
        String userId = readNulTerminated(in);
        boolean named = ip[0] == 0 && ip[1] == 0 && ip[2] == 0 && ip[3] != 0;
        String host =
                named ? readNulTerminated(in) : InetAddress.getByAddress(ip).getHostAddress();
        heads.add("CONNECT " + host + ":" + port + (userId.isEmpty() ? "" : " user " + userId));
        if (behaviour == Behaviour.CLOSE) {
            return;
        }
        if (behaviour == Behaviour.SILENT) {
            in.read();
            return;
        }
        boolean granted = behaviour == Behaviour.TUNNEL && (user == null || user.equals(userId));
        out.write(new byte[] {0, (byte) (granted ? 90 : 91), 0, 0, 0, 0, 0, 0});
        if (granted) {
            relay(client, connect(host + ":" + port), new byte[0]);
        }
    }

    private static String readNulTerminated(InputStream in) throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        for (int b; (b = in.read()) > 0; ) {
            text.write(b);
        }
        return text.toString(StandardCharsets.US_ASCII);
    }

    /** Answers as a failing proxy would; returns whether the request should be served instead. */
    private boolean answerFault(OutputStream out, InputStream in) throws IOException {
        switch (behaviour) {
            case FORBIDDEN -> write(out, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            case BAD_GATEWAY ->
                write(out, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            case CLOSE -> {}
            case SILENT -> in.read();
            case TUNNEL -> {
                return true;
            }
        }
        return false;
    }

    private Socket connect(String authority) throws IOException {
        int colon = authority.lastIndexOf(':');
        String host = authority.substring(0, colon).replace("[", "").replace("]", "");
        Socket origin = track(new Socket());
        origin.connect(new InetSocketAddress(host, Integer.parseInt(authority.substring(colon + 1))), 5000);
        return origin;
    }

    /** Relays bytes both ways until either side closes; {@code first} goes to the origin first. */
    private void relay(Socket client, Socket origin, byte[] first) throws IOException {
        origin.getOutputStream().write(first);
        Thread back = start(() -> pump(origin, client));
        pump(client, origin);
        try {
            back.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // One side went: close both.
        } finally {
            quietly(from);
            quietly(to);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        for (int b; (b = in.read()) >= 0; ) {
            head.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
            if (matched == 4) {
                String text = head.toString(StandardCharsets.ISO_8859_1);
                return text.substring(0, text.length() - 4).replace("\r\n", "\n");
            }
        }
        return null;
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private Socket track(Socket socket) {
        sockets.add(socket);
        if (closed) {
            quietly(socket);
        }
        return socket;
    }

    private Thread start(Runnable task) {
        Thread thread = new Thread(task, "posthaste-testserver-proxy-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        synchronized (threads) {
            threads.add(thread);
        }
        thread.start();
        return thread;
    }

    private static void quietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // Closing anyway.
        }
    }
}
