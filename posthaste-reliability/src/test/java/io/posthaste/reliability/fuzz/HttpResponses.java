package io.posthaste.reliability.fuzz;

import io.posthaste.internal.http1.ResponseDecoderProbe;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A model of well-formed HTTP/1.1 responses (RFC 9112), its serialisation with every freedom the
 * grammar allows (optional whitespace, chunk extensions, trailers, interim responses), and the
 * decoder events each response must produce.
 */
public final class HttpResponses {

    /** How the body is delimited. */
    public enum Framing {
        LENGTH,
        CHUNKED,
        UNTIL_CLOSE,
        NONE
    }

    /**
     * One response.
     *
     * @param version "HTTP/1.1" or "HTTP/1.0"
     * @param status the status code
     * @param reason the reason phrase
     * @param headers fields other than framing and Connection
     * @param connection the Connection value, or null
     * @param framing the body's framing; NONE for 204 and 304
     * @param body the body
     * @param chunkSizes sizes of the chunks (CHUNKED only), summing to the body's length
     * @param chunkExtension text after each chunk size (may be empty)
     * @param trailers trailer lines (CHUNKED only)
     * @param interim how many 1xx responses come first
     * @param ows optional whitespace around field values
     */
    public record Response(
            String version,
            int status,
            String reason,
            List<Map.Entry<String, String>> headers,
            String connection,
            Framing framing,
            byte[] body,
            List<Integer> chunkSizes,
            String chunkExtension,
            List<Map.Entry<String, String>> trailers,
            int interim,
            String ows) {

        /** Returns the head's fields in wire order, framing and Connection included. */
        public List<String> wireHeaders() {
            List<String> fields = new ArrayList<>();
            headers.forEach(h -> {
                fields.add(h.getKey());
                fields.add(h.getValue());
            });
            if (connection != null) {
                fields.add("Connection");
                fields.add(connection);
            }
            if (framing == Framing.LENGTH) {
                fields.add("Content-Length");
                fields.add(String.valueOf(body.length));
            } else if (framing == Framing.CHUNKED) {
                fields.add("Transfer-Encoding");
                fields.add("chunked");
            }
            return fields;
        }

        /** Returns the bytes on the wire. */
        public byte[] bytes() {
            return bytes(false);
        }

        /** Returns the bytes on the wire; an answer to HEAD has a head only, whatever its framing. */
        public byte[] bytes(boolean headRequest) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 0; i < interim; i++) {
                write(
                        out,
                        "HTTP/1.1 " + (i % 2 == 0 ? "100 Continue" : "103 Early Hints") + "\r\nLink:" + ows + "</s.css>"
                                + ows + "\r\n\r\n");
            }
            write(out, version + " " + status + (reason.isEmpty() ? "" : " " + reason) + "\r\n");
            List<String> fields = wireHeaders();
            for (int i = 0; i < fields.size(); i += 2) {
                write(out, fields.get(i) + ":" + ows + fields.get(i + 1) + ows + "\r\n");
            }
            write(out, "\r\n");
            if (headRequest) {
                return out.toByteArray();
            }
            if (framing == Framing.CHUNKED) {
                int at = 0;
                for (int size : chunkSizes) {
                    write(out, Integer.toHexString(size) + chunkExtension + "\r\n");
                    out.write(body, at, size);
                    at += size;
                    write(out, "\r\n");
                }
                write(out, "0" + chunkExtension + "\r\n");
                trailers.forEach(t -> write(out, t.getKey() + ":" + ows + t.getValue() + "\r\n"));
                write(out, "\r\n");
            } else if (framing != Framing.NONE) {
                out.writeBytes(body);
            }
            return out.toByteArray();
        }

        /** Returns whether the connection may carry another exchange after this response. */
        boolean persistent(boolean headRequest) {
            String c = connection == null ? "" : connection.toLowerCase(java.util.Locale.ROOT);
            boolean persistent = version.equals("HTTP/1.1")
                    ? !c.contains("close")
                    : c.contains("keep-alive") && !c.contains("close");
            return persistent && (headRequest || framing != Framing.UNTIL_CLOSE);
        }
    }

    private HttpResponses() {}

    /**
     * Returns the events a correct decoder emits for {@code responses}, in the normalised form of
     * {@link #normalise}: heads, then each body as one Base64 string, then "END".
     */
    public static List<Object> expectedEvents(List<Response> responses, boolean headRequest) {
        List<Object> events = new ArrayList<>();
        for (Response r : responses) {
            for (int i = 0; i < r.interim(); i++) {
                events.add(new ResponseDecoderProbe.Head(
                        "HTTP/1.1",
                        i % 2 == 0 ? 100 : 103,
                        i % 2 == 0 ? "Continue" : "Early Hints",
                        List.of("Link", "</s.css>"),
                        true,
                        -1));
            }
            long length = r.framing() == Framing.LENGTH ? r.body().length : -1;
            events.add(new ResponseDecoderProbe.Head(
                    r.version(), r.status(), r.reason(), r.wireHeaders(), r.persistent(headRequest), length));
            boolean bodyless = headRequest || r.framing() == Framing.NONE;
            if (!bodyless && r.body().length > 0) {
                events.add(Base64.getEncoder().encodeToString(r.body()));
            }
            events.add("END");
        }
        return events;
    }

    /** Merges adjacent body pieces (their split is arbitrary) into one Base64 string per body. */
    public static List<Object> normalise(List<ResponseDecoderProbe.Event> events) {
        List<Object> out = new ArrayList<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (ResponseDecoderProbe.Event e : events) {
            if (e instanceof ResponseDecoderProbe.Content c) {
                body.writeBytes(c.bytes());
                continue;
            }
            if (body.size() > 0) {
                out.add(Base64.getEncoder().encodeToString(body.toByteArray()));
                body.reset();
            }
            out.add(e instanceof ResponseDecoderProbe.End ? "END" : e);
        }
        if (body.size() > 0) {
            out.add(Base64.getEncoder().encodeToString(body.toByteArray()));
        }
        return out;
    }

    /** Returns well-formed responses; {@code last} may use until-close framing. */
    public static Gen<Response> responses(boolean last) {
        Gen<String> token = Fragments.joined(
                        Gen.oneOf(
                                Fragments.alphanumeric(),
                                Gen.of("!", "#", "$", "%", "&", "'", "*", "+", "-", ".", "^", "_", "`", "|", "~")),
                        1,
                        12)
                .filter(n -> !List.of("content-length", "transfer-encoding", "connection")
                        .contains(n.toLowerCase()));
        Gen<String> vchar = Gen.oneOf(Fragments.printableAscii(), Fragments.latin1High());
        Gen<String> inner = Fragments.joined(Gen.oneOf(vchar, Gen.of(" ", "\t")), 0, 30);
        Gen<String> framed = r -> vchar.next(r) + inner.next(r) + vchar.next(r);
        Gen<String> value = Gen.oneOf(Gen.constant(""), framed);
        Gen<Map.Entry<String, String>> field = r -> Map.entry(token.next(r), value.next(r));
        Gen<List<Map.Entry<String, String>>> fields = field.list(0, 8);
        Gen<Framing> framing = last ? Gen.of(Framing.values()) : Gen.of(Framing.LENGTH, Framing.CHUNKED, Framing.NONE);
        Gen<byte[]> body = Gen.frequency(
                Gen.weight(6, Gen.bytes(0, 200)),
                Gen.weight(1, Gen.ints(1_000, 20_000).map(byte[]::new)));
        Gen<String> reason = Gen.oneOf(Gen.of("", "OK", "Not Found", "Ça va", "x\ty"), Fragments.joined(vchar, 0, 20));
        Gen<String> extension = Gen.of("", ";a", ";a=b", "; a = \"q;\\\" x\"", ";x;y=1", " ;ext");
        Gen<String> version = Gen.of("HTTP/1.1", "HTTP/1.0");
        Gen<String> connection = Gen.of("", "close", "keep-alive", "Keep-Alive, Upgrade");
        Gen<List<Integer>> cuts = Gen.ints(1, 5000).list(0, 6);
        Gen<Integer> interims = Gen.ints(0, 2);
        Gen<String> ows = Gen.of("", " ", "\t", "  \t");
        Gen<Integer> statuses = Gen.of(200, 201, 203, 206, 299, 404, 500, 599, 999);
        return r -> {
            String v = version.next(r);
            String why = reason.next(r);
            List<Map.Entry<String, String>> heads = fields.next(r);
            String conn = connection.next(r);
            Framing frame = framing.next(r);
            byte[] bytes = body.next(r);
            List<Integer> sizes = cuts.next(r);
            String ext = extension.next(r);
            List<Map.Entry<String, String>> trailers = fields.next(r);
            int interim = interims.next(r);
            String space = ows.next(r);
            int status = statuses.next(r);
            int code = frame == Framing.NONE ? (bytes.length % 2 == 0 ? 204 : 304) : status;
            byte[] content = frame == Framing.NONE ? new byte[0] : bytes;
            // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 message means faulty framing.
            String wireVersion = frame == Framing.CHUNKED ? "HTTP/1.1" : v;
            return new Response(
                    wireVersion,
                    code,
                    why,
                    heads,
                    conn.isEmpty() ? null : conn,
                    frame,
                    content,
                    chunkSizes(content.length, sizes),
                    ext,
                    frame == Framing.CHUNKED ? trailers : List.of(),
                    interim,
                    space);
        };
    }

    private static List<Integer> chunkSizes(int length, List<Integer> cuts) {
        List<Integer> sizes = new ArrayList<>();
        int left = length;
        for (int cut : cuts) {
            if (left == 0) {
                break;
            }
            int size = Math.min(left, cut);
            sizes.add(size);
            left -= size;
        }
        if (left > 0) {
            sizes.add(left);
        }
        return sizes;
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
