package dev.ngff.conformance.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ngff.metadata.Json;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starts the peers' processes: Python peers run {@code peers/matrix_peer.py} in the virtual environment of
 * {@code scripts/peers-venv.sh} ({@code NGFF_PYTHON} overrides it); zarrita runs
 * {@code src/test/js/zarrita_peer.mjs} with the packages that {@code scripts/peers-npm.sh} installs
 * ({@code NGFF_NODE} overrides the node binary). One process per peer and direction.
 */
final class PeerProcesses {
    private static final long TIMEOUT_MINUTES = 5;
    private final Path repo;
    private final Path scratch;

    PeerProcesses(Path repo, Path scratch) {
        this.repo = repo;
        this.scratch = scratch;
    }

    Path python() {
        String explicit = System.getenv("NGFF_PYTHON");
        return explicit != null ? Path.of(explicit) : repo.resolve(".venv/bin/python");
    }

    Path nodeDriver() {
        return repo.resolve("spec-conformance/src/test/js/zarrita_peer.mjs");
    }

    String node() {
        return System.getenv().getOrDefault("NGFF_NODE", "node");
    }

    /** Why a peer cannot be started here, or empty when it can. */
    Optional<String> unavailable(MatrixPeer peer) {
        return switch (peer.runtime()) {
            case PYTHON -> Files.isExecutable(python()) ? Optional.empty()
                    : Optional.of("no Python with the peers at " + python() + " (run scripts/peers-venv.sh or set NGFF_PYTHON)");
            case NODE -> {
                if (!Files.isDirectory(nodeDriver().resolveSibling("node_modules/zarrita"))) {
                    yield Optional.of("zarrita is not installed under " + nodeDriver().getParent()
                            + " (run scripts/peers-npm.sh)");
                }
                try {
                    Process p = new ProcessBuilder(node(), "--version").redirectErrorStream(true).start();
                    p.getInputStream().readAllBytes();
                    yield p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? Optional.empty()
                            : Optional.of("'" + node() + " --version' failed");
                } catch (IOException e) {
                    yield Optional.of("no node on the PATH (" + e.getMessage() + "; install Node.js >= 20 or set NGFF_NODE)");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    yield Optional.of("interrupted");
                }
            }
        };
    }

    /** Runs the peer over a manifest and returns its JSON results; an IOException names the command and its stderr. */
    JsonNode run(MatrixPeer peer, Path manifest) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (peer.runtime() == MatrixPeer.Runtime.PYTHON) {
            cmd.add(python().toString());
            cmd.add(script("matrix_peer.py").toString());
        } else {
            cmd.add(node());
            cmd.add(nodeDriver().toString());
        }
        cmd.add(manifest.toAbsolutePath().toString());
        Path err = Files.createTempFile(scratch, "peer-" + peer.id(), ".err");
        Path out = Files.createTempFile(scratch, "peer-" + peer.id(), ".json");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectOutput(out.toFile()).start();
        if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("timed out after " + TIMEOUT_MINUTES + " min: " + String.join(" ", cmd));
        }
        if (p.exitValue() != 0) {
            throw new IOException("exit " + p.exitValue() + " from " + String.join(" ", cmd) + "\n"
                    + tail(Files.readString(err, StandardCharsets.UTF_8)));
        }
        return Json.parse(Files.readString(out, StandardCharsets.UTF_8), peer.id() + " results");
    }

    private Path script(String name) throws IOException {
        Path target = scratch.resolve(name);
        if (!Files.exists(target)) {
            try (InputStream in = PeerProcesses.class.getResourceAsStream("/peers/" + name)) {
                if (in == null) {
                    throw new IOException("missing test resource /peers/" + name);
                }
                Files.createDirectories(scratch);
                Files.copy(in, target);
            }
        }
        return target;
    }

    private static String tail(String s) {
        return s.length() > 4000 ? "..." + s.substring(s.length() - 4000) : s;
    }
}
