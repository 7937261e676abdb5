package dev.ngff.conformance.peers;

import dev.ngff.testing.PeerPython;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Python peers (zarr-python, tensorstore) from the virtual environment that
 * {@code scripts/peers-venv.sh} creates. Without it the peer tests skip loudly, and fail under CI.
 */
final class Peers {
    private Peers() {
    }

    /** The Python interpreter of the peers' environment: {@code NGFF_PYTHON}, else {@code <repo>/.venv/bin/python}. */
    static Path python() {
        return PeerPython.require("PEER TESTS");
    }

    /** Copies a peer script out of the test resources. */
    static Path script(String name, Path dir) throws IOException {
        try (var in = Peers.class.getResourceAsStream("/peers/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource /peers/" + name);
            }
            Files.createDirectories(dir);
            Path out = dir.resolve(name);
            Files.copy(in, out);
            return out;
        }
    }

    /** Runs a peer script and returns its standard output; fails with its standard error on a non-zero exit. */
    static String run(Path script, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(python().toString());
        cmd.add(script.toString());
        cmd.addAll(args);
        Path err = Files.createTempFile("peer", ".err");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("peer script timed out: " + cmd);
        }
        String errText = Files.readString(err);
        Files.deleteIfExists(err);
        if (p.exitValue() != 0) {
            throw new AssertionError("peer script failed (" + p.exitValue() + "): " + cmd + "\n" + errText);
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** SHA-256 of a fixed-size buffer's bytes, hex: what the peer scripts print for the arrays they read. */
    static String sha256(dev.ngff.buffer.NdBuffer b) throws Exception {
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        md.update(b.segment().asByteBuffer());
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    /** A codec spec from its name and configuration JSON. */
    static dev.ngff.metadata.CodecSpec spec(String name, String json) throws Exception {
        return new dev.ngff.metadata.CodecSpec(name, (com.fasterxml.jackson.databind.node.ObjectNode) dev.ngff.metadata.Json.parse(json, name));
    }
}
