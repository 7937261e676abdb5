package dev.ngff.cli;

import dev.ngff.pyramid.Downsampling;
import picocli.CommandLine;

/** The pyramid options that sample, convert and pyramid share: {@code --levels auto|N} and {@code --method}. */
final class PyramidOptions {
    private static final int MAX_LEVELS = 64;

    private PyramidOptions() {
    }

    /**
     * The most levels {@code --levels} asks for: 0 for {@code auto} (until the spatial axes fit one chunk),
     * else a count between 1 and 64; {@code accepted} names the accepted forms in the error.
     */
    static int maxLevels(CommandLine cmd, String text, String accepted) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("auto")) {
            return 0;
        }
        int n;
        try {
            n = Integer.parseInt(t);
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(cmd, "--levels must be " + accepted + ", got '" + text + "'");
        }
        if (n < 1 || n > MAX_LEVELS) {
            throw new CommandLine.ParameterException(cmd, "--levels must be between 1 and " + MAX_LEVELS + ", got " + n);
        }
        return n;
    }

    /** The {@code --method}, or {@code fallback} when none was given. */
    static Downsampling method(CommandLine cmd, String text, Downsampling fallback) {
        if (text == null) {
            return fallback;
        }
        try {
            return Downsampling.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, "--method: " + e.getMessage());
        }
    }
}
