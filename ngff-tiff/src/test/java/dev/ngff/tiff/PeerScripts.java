package dev.ngff.tiff;

import dev.ngff.testing.PeerPython;
import dev.ngff.testing.Requirements;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs the peer scripts of this module's tests ({@code src/test/resources/peers}) with the peers' Python: a
 * script writes its files into a new folder and a manifest beside them. Without the interpreter or the
 * Python modules a script needs, the test skips loudly (fails under {@code CI=true}).
 */
public final class PeerScripts {
    private PeerScripts() {
    }

    /**
     * Runs {@code /peers/<script>} with one argument, {@code <dir>/out}, and returns that folder.
     *
     * @param what    the tests' name in skip messages
     * @param modules the Python modules the script imports (checked first)
     */
    public static Path run(String what, String script, Path dir, String modules) throws IOException, InterruptedException {
        Path python = PeerPython.require(what);
        Process probe = new ProcessBuilder(python.toString(), "-c", "import " + modules).redirectErrorStream(true).start();
        String probeOut = new String(probe.getInputStream().readAllBytes());
        probe.waitFor(2, TimeUnit.MINUTES);
        Requirements.require(what, probe.exitValue() == 0 ? null
                : modules + " missing in " + python + " (run scripts/peers-venv.sh): " + probeOut.strip());
        Path copy = dir.resolve(script);
        try (InputStream in = PeerScripts.class.getResourceAsStream("/peers/" + script)) {
            Files.copy(in, copy);
        }
        Path out = dir.resolve("out");
        Process p = new ProcessBuilder(python.toString(), copy.toString(), out.toString()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new AssertionError(script + " failed: " + text);
        }
        System.out.println(script + ": " + text.strip());
        return out;
    }
}
