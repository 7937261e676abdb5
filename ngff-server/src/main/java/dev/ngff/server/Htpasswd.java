package dev.ngff.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Users and password hashes in Apache htpasswd form, one {@code user:hash} a line. Accepted hashes:
 * {@code {SHA}} followed by the Base64 SHA-1 of the password ({@code htpasswd -s}), and
 * {@code {SHA256}} followed by the Base64 SHA-256; bcrypt ({@code $2y$}) and Apache MD5 ({@code $apr1$})
 * lines are refused when the file is read. Blank lines and lines starting with {@code #} are skipped.
 * Immutable and thread-safe.
 */
public final class Htpasswd {
    private final Map<String, String> hashes;

    private Htpasswd(Map<String, String> hashes) {
        this.hashes = Map.copyOf(hashes);
    }

    /**
     * Reads a file.
     *
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException naming the file and line if a line is malformed or uses an
     *     unsupported hash
     */
    public static Htpasswd read(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
    }

    /** Parses lines; {@code source} names them in error messages. */
    public static Htpasswd parse(List<String> lines, String source) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            String where = source + " line " + (i + 1);
            if (colon <= 0) {
                throw new IllegalArgumentException(where + ": expected user:hash");
            }
            String hash = line.substring(colon + 1);
            if (!hash.startsWith("{SHA}") && !hash.startsWith("{SHA256}")) {
                throw new IllegalArgumentException(where + ": unsupported hash (use {SHA}, as 'htpasswd -s' writes, or {SHA256})");
            }
            out.put(line.substring(0, colon), hash);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(source + " holds no users");
        }
        return new Htpasswd(out);
    }

    /** The {@code {SHA256}} line for a user and password, for tests and for writing such files. */
    public static String line(String user, String password) {
        return user + ":{SHA256}" + Base64.getEncoder().encodeToString(digest("SHA-256", password));
    }

    /** True if the user exists and the password matches; compares in constant time per hash. */
    public boolean accepts(String user, String password) {
        String hash = hashes.get(user);
        if (hash == null) {
            return false;
        }
        Optional<byte[]> expected;
        byte[] actual;
        if (hash.startsWith("{SHA256}")) {
            expected = decode(hash.substring(8));
            actual = digest("SHA-256", password);
        } else {
            expected = decode(hash.substring(5));
            actual = digest("SHA-1", password);
        }
        return expected.isPresent() && MessageDigest.isEqual(expected.get(), actual);
    }

    private static Optional<byte[]> decode(String b64) {
        try {
            return Optional.of(Base64.getDecoder().decode(b64));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static byte[] digest(String algorithm, String password) {
        try {
            return MessageDigest.getInstance(algorithm).digest(password.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from this JDK", e);
        }
    }
}
