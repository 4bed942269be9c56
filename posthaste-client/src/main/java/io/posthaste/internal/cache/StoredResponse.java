package io.posthaste.internal.cache;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * One response as the cache keeps it: what the server sent, when it was asked and when it answered
 * (for the age, RFC 9111 §4.2.3), and the request's values of the fields its {@code Vary} names.
 * Immutable; {@link #encode()} and {@link #decode(byte[])} are its file format, which ends with a
 * CRC-32 of everything before it so that a torn or damaged file reads as absent, never as a
 * shorter body.
 *
 * @param url the request URL: the key
 * @param status the status code
 * @param reason the reason phrase
 * @param version the protocol version, e.g. {@code HTTP/1.1}
 * @param headers the header fields as name, value, name, value, ...
 * @param vary the lower-case names {@code Vary} lists, mapped to the request's value (all its
 *     fields joined by {@code ", "}), or to {@code null} where the request had none
 * @param requestMillis when the request that got this response was sent (epoch milliseconds)
 * @param responseMillis when the response arrived (epoch milliseconds)
 * @param body the body, already decoded
 */
public record StoredResponse(
        String url,
        int status,
        String reason,
        String version,
        List<String> headers,
        Map<String, String> vary,
        long requestMillis,
        long responseMillis,
        byte[] body) {

    private static final int MAGIC = 0x50484331; // "PHC1"

    /**
     * Fields a {@code 304} may not change in the stored response (RFC 9111 §3.2): they describe
     * the stored body or this hop, not the resource.
     */
    private static final Set<String> KEPT_ON_UPDATE = Set.of(
            "content-length",
            "content-encoding",
            "transfer-encoding",
            "content-range",
            "connection",
            "keep-alive",
            "trailer",
            "upgrade");

    /** Copies the lists, so the record is immutable. */
    public StoredResponse {
        headers = List.copyOf(headers);
        vary = java.util.Collections.unmodifiableMap(new TreeMap<>(vary));
    }

    /** Returns the first value of the header {@code name} (case-insensitive), or {@code null}. */
    public String header(String name) {
        for (int i = 0; i < headers.size(); i += 2) {
            if (headers.get(i).equalsIgnoreCase(name)) {
                return headers.get(i + 1);
            }
        }
        return null;
    }

    /** Returns every value of the header {@code name} (case-insensitive), in order. */
    public List<String> headers(String name) {
        List<String> values = new ArrayList<>(1);
        for (int i = 0; i < headers.size(); i += 2) {
            if (headers.get(i).equalsIgnoreCase(name)) {
                values.add(headers.get(i + 1));
            }
        }
        return values;
    }

    /**
     * Returns this response freshened by a {@code 304 Not Modified} (RFC 9111 §4.3.4): each field
     * the 304 carries replaces the stored fields of that name, except those describing the body;
     * the times become those of the validation.
     */
    public StoredResponse freshenedBy(List<String> notModified, long sentMillis, long receivedMillis) {
        Set<String> replaced = new java.util.HashSet<>();
        for (int i = 0; i < notModified.size(); i += 2) {
            String name = notModified.get(i).toLowerCase(Locale.ROOT);
            if (!KEPT_ON_UPDATE.contains(name)) {
                replaced.add(name);
            }
        }
        List<String> merged = new ArrayList<>(headers.size() + notModified.size());
        for (int i = 0; i < headers.size(); i += 2) {
            if (!replaced.contains(headers.get(i).toLowerCase(Locale.ROOT))) {
                merged.add(headers.get(i));
                merged.add(headers.get(i + 1));
            }
        }
        for (int i = 0; i < notModified.size(); i += 2) {
            if (replaced.contains(notModified.get(i).toLowerCase(Locale.ROOT))) {
                merged.add(notModified.get(i));
                merged.add(notModified.get(i + 1));
            }
        }
        return new StoredResponse(url, status, reason, version, merged, vary, sentMillis, receivedMillis, body);
    }

    /**
     * Returns the file bytes of this response.
     *
     * @throws IOException if a field is too long for the format (over 64 KiB of UTF-8)
     */
    public byte[] encode() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + body.length);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(MAGIC);
        out.writeUTF(url);
        out.writeInt(status);
        out.writeUTF(reason);
        out.writeUTF(version);
        out.writeLong(requestMillis);
        out.writeLong(responseMillis);
        out.writeInt(headers.size());
        for (String field : headers) {
            out.writeUTF(field);
        }
        out.writeInt(vary.size());
        for (Map.Entry<String, String> entry : vary.entrySet()) {
            out.writeUTF(entry.getKey());
            out.writeBoolean(entry.getValue() != null);
            out.writeUTF(entry.getValue() == null ? "" : entry.getValue());
        }
        out.writeInt(body.length);
        out.write(body);
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        out.writeLong(crc.getValue());
        return bytes.toByteArray();
    }

    /** Reads the bytes {@link #encode()} wrote; {@code null} if they are torn, damaged or foreign. */
    public static StoredResponse decode(byte[] file) {
        if (file.length < 12) {
            return null;
        }
        CRC32 crc = new CRC32();
        crc.update(file, 0, file.length - 8);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(file))) {
            in.skipNBytes(file.length - 8);
            if (in.readLong() != crc.getValue()) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(file, 0, file.length - 8))) {
            if (in.readInt() != MAGIC) {
                return null;
            }
            String url = in.readUTF();
            int status = in.readInt();
            String reason = in.readUTF();
            String version = in.readUTF();
            long sent = in.readLong();
            long received = in.readLong();
            List<String> headers = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--) {
                headers.add(in.readUTF());
            }
            Map<String, String> vary = new TreeMap<>();
            for (int i = in.readInt(); i > 0; i--) {
                String name = in.readUTF();
                boolean present = in.readBoolean();
                String value = in.readUTF();
                vary.put(name, present ? value : null);
            }
            byte[] body = in.readNBytes(in.readInt());
            return in.available() == 0 && headers.size() % 2 == 0
                    ? new StoredResponse(url, status, reason, version, headers, vary, sent, received, body)
                    : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
