package dev.ngff.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The {@code ngff} command: inspect, copy, synthesise and export Zarr arrays and hierarchies.
 *
 * <p>Exit codes: 0 on success, 1 when the work failed (the message names the store and key), 2 on a
 * usage error.
 */
@Command(name = "ngff",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Inspect, validate, copy, synthesise and export Zarr v2/v3 and OME-Zarr data.",
        subcommands = {InfoCommand.class, ValidateCommand.class, CopyCommand.class, ConvertCommand.class,
                PyramidCommand.class, SampleCommand.class, ExportCommand.class, AcquireCommand.class, ServeCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 success, 1 failure (I/O, corrupt or unsupported data), 2 usage error."})
public final class Main implements Runnable {

    @Option(names = "--stacktrace", scope = ScopeType.INHERIT,
            description = "Print the stack trace of a failure, not only its message.")
    boolean stacktrace;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = execute(out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs the command line with the given output streams and returns the exit code (used by tests). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        try {
            return commandLine(out, err).execute(args);
        } catch (OutOfMemoryError e) {
            err.println("ngff: out of memory (" + e.getMessage() + "); give the JVM more heap (NGFF_JAVA_OPTS=-Xmx8g)"
                    + " or lower --workers");
            traceOnRequest(e, err, args);
            err.flush();
            return Failures.FAILED;
        } catch (StackOverflowError e) {
            err.println("ngff: the input nests too deeply to follow (stack overflow); run again with --stacktrace to see"
                    + " where, and please report it");
            traceOnRequest(e, err, args);
            err.flush();
            return Failures.FAILED;
        }
    }

    private static void traceOnRequest(Throwable e, PrintWriter err, String... args) {
        if (java.util.Arrays.asList(args).contains("--stacktrace")) {
            e.printStackTrace(err);
        }
    }

    /** A configured command line writing to the given streams. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new Failures.ExecutionHandler());
        cl.setParameterExceptionHandler(new Failures.UsageHandler());
        return cl;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (info, validate, copy, convert, sample, export, serve)");
    }
}
