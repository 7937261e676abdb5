package dev.ngff.cli;

import dev.ngff.pyramid.Downsampling;
import dev.ngff.pyramid.PyramidPlan;
import picocli.CommandLine;

/** The pyramid options that sample, convert and pyramid share: {@code --levels auto|N} and {@code --method}. */
final class PyramidOptions {

    private PyramidOptions() {
    }

    /**
     * The most levels {@code --levels} asks for: 0 for {@code auto} (until the spatial axes fit one chunk),
     * else a count between 1 and 64; {@code accepted} names the accepted forms in the error.
     */
    static int maxLevels(CommandLine cmd, String text, String accepted) {
        try {
            return PyramidPlan.parseMaxLevels(text);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, "--levels must be " + accepted + ", got '" + text
                    + "' (numbers: 1 to " + PyramidPlan.MAX_LEVELS + ")");
        }
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
