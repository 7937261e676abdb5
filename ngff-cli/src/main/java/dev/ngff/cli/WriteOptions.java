package dev.ngff.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Options shared by the commands that write a store: parallel blocks, progress bar, overwriting. */
final class WriteOptions {
    @Option(names = "--workers", paramLabel = "N", defaultValue = "4",
            description = "Blocks written in parallel (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--progress", description = "Show a progress bar even when stderr is not a terminal.")
    boolean progress;

    @Option(names = "--overwrite", description = "Replace everything in the target directory.")
    boolean overwrite;

    /** Rejects option values no run can use. */
    void validate(CommandLine cmd) {
        if (workers < 1) {
            throw new CommandLine.ParameterException(cmd, "--workers must be at least 1, got " + workers);
        }
    }
}
