package io.posthaste.internal.session;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an unencrypted private key from a PEM file: PKCS#8 ({@code BEGIN PRIVATE KEY}, what
 * {@code openssl genpkey} writes: RSA, EC, Ed25519) or PKCS#1 RSA ({@code BEGIN RSA PRIVATE
 * KEY}, wrapped into PKCS#8 here). Encrypted and SEC1 EC keys are refused, saying how to convert
 * them ({@code openssl pkcs8 -topk8 -nocrypt}).
 */
final class PemKeys {

    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
    /** The DER of AlgorithmIdentifier { rsaEncryption, NULL }. */
    private static final byte[] RSA_ALGORITHM = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00
    };

    private static final String[] ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"};

    private PemKeys() {}

    static PrivateKey read(Path file) throws IOException, GeneralSecurityException {
        Path absolute = file.toAbsolutePath();
        if (!Files.isRegularFile(absolute) || !Files.isReadable(absolute)) {
            throw new IOException("not a readable file: " + absolute);
        }
        Matcher block = BLOCK.matcher(Files.readString(absolute, StandardCharsets.US_ASCII));
        while (block.find()) {
            byte[] der = Base64.getMimeDecoder().decode(block.group(2));
            switch (block.group(1)) {
                case "PRIVATE KEY" -> {
                    return pkcs8(der, absolute);
                }
                case "RSA PRIVATE KEY" -> {
                    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(wrapRsa(der)));
                }
                case "ENCRYPTED PRIVATE KEY", "EC PRIVATE KEY" ->
                    throw new GeneralSecurityException(absolute
                            + " holds an " + block.group(1).toLowerCase(java.util.Locale.ROOT) + "; convert it with "
                            + "'openssl pkcs8 -topk8 -nocrypt -in KEY -out key.pem'");
                default -> {
                    // A certificate in the same file: look on.
                }
            }
        }
        throw new GeneralSecurityException("no PEM private key in " + absolute);
    }

    private static PrivateKey pkcs8(byte[] der, Path file) throws GeneralSecurityException {
        for (String algorithm : ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException notThisOne) {
                // The next algorithm.
            }
        }
        throw new GeneralSecurityException("the private key in " + file + " is of no algorithm this JVM reads");
    }

    /** PrivateKeyInfo { version 0, rsaEncryption, OCTET STRING { the PKCS#1 key } }. */
    private static byte[] wrapRsa(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(RSA_ALGORITHM);
        body.write(0x04);
        writeLength(body, pkcs1.length);
        body.writeBytes(pkcs1);
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        whole.write(0x30);
        writeLength(whole, body.size());
        whole.writeBytes(body.toByteArray());
        return whole.toByteArray();
    }

    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
            return;
        }
        int bytes = length > 0xffffff ? 4 : length > 0xffff ? 3 : length > 0xff ? 2 : 1;
        out.write(0x80 | bytes);
        for (int i = bytes - 1; i >= 0; i--) {
            out.write(length >>> (8 * i));
        }
    }
}
