package dev.ngff.testing;


import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Python interpreter of the peers' virtual environment ({@code scripts/peers-venv.sh}): {@code NGFF_PYTHON},
 * else {@code <NGFF_REPO_ROOT>/.venv/bin/python}. Tests that drive Python peers call {@link #require}: without
 * the interpreter they skip loudly, and fail under {@code CI=true}.
 */
public final class PeerPython {
    private PeerPython() {
    }

    /** The interpreter, or a loud skip (a failure under CI) saying that {@code what} did not run. */
    public static Path require(String what) {
        String explicit = System.getenv("NGFF_PYTHON");
        Path p = explicit != null ? Path.of(explicit)
                : Path.of(System.getenv().getOrDefault("NGFF_REPO_ROOT", ".."), ".venv", "bin", "python");
        Requirements.require(what, Files.isExecutable(p) ? null
                : "no Python with the peers at " + p + " (run scripts/peers-venv.sh or set NGFF_PYTHON)");
        return p;
    }
}
