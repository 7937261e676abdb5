package dev.ngff.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The root command: a run of one subcommand builds only its model, and help still lists them all. */
class MainTest {

    @Test
    void helpListsEverySubcommand() {
        Cli.Result r = Cli.run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("info", "validate", "copy", "convert", "pyramid", "sample", "export", "acquire",
                "serve", "help");
        Cli.Result h = Cli.run("help");
        assertThat(h.code()).isZero();
        assertThat(h.out()).contains("Commands:", "export");
    }

    @Test
    void subcommandRunsAloneWithTheRootOptionsBeforeIt() {
        Cli.Result r = Cli.run("--stacktrace", "info", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Usage: ngff info");
        Cli.Result missing = Cli.run("info", "/nonexistent/surely/not/here.zarr");
        assertThat(missing.code()).isEqualTo(Failures.FAILED);
        assertThat(missing.err()).contains("/nonexistent/surely/not/here.zarr");
    }

    @Test
    void unknownSubcommandIsAUsageError() {
        Cli.Result r = Cli.run("nosuch");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("nosuch");
    }
}
