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
        footer = {"", "Exit codes: 0 success, 1 failure (I/O, corrupt or unsupported data), 2 usage error."})
public final class Main implements Runnable {

    /**
     * The subcommands, in the order the help lists them. Registered in code rather than in the annotation so that a
     * run of one command builds the picocli model (reflection over every option field) of that command only. In a
     * holder class so that {@link InfoFastPath} does not load picocli classes to build the map.
     */
    private static final class Subcommands {
        static final java.util.Map<String, java.util.function.Supplier<Object>> ALL;

        static {
            java.util.Map<String, java.util.function.Supplier<Object>> m = new java.util.LinkedHashMap<>();
            m.put("info", InfoCommand::new);
            m.put("validate", ValidateCommand::new);
            m.put("copy", CopyCommand::new);
            m.put("convert", ConvertCommand::new);
            m.put("pyramid", PyramidCommand::new);
            m.put("sample", SampleCommand::new);
            m.put("export", ExportCommand::new);
            m.put("acquire", AcquireCommand::new);
            m.put("serve", ServeCommand::new);
            m.put("help", CommandLine.HelpCommand::new);
            ALL = java.util.Collections.unmodifiableMap(m);
        }

        private Subcommands() {
        }
    }

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
        return execute(out, err, true, args);
    }

    /** Runs the command line, always through picocli when {@code fastPaths} is false (tests compare both). */
    static int execute(PrintWriter out, PrintWriter err, boolean fastPaths, String... args) {
        try {
            Integer fast = fastPaths ? InfoFastPath.run(out, err, args) : null;
            if (fast != null) {
                return fast;
            }
            return commandLine(out, err, subcommandNamed(args)).execute(args);
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
        return commandLine(out, err, null);
    }

    /**
     * The subcommand the arguments run, when it is one whose model alone suffices (not {@code help}, which
     * lists them all); null otherwise. The root command's only own options are flags, so the first argument
     * that is not an option names the subcommand.
     */
    private static String subcommandNamed(String... args) {
        for (String a : args) {
            if (!a.startsWith("-")) {
                return Subcommands.ALL.containsKey(a) && !a.equals("help") ? a : null;
            }
        }
        return null;
    }

    /** A command line with only the subcommand {@code only}, or with all of them when it is null. */
    private static CommandLine commandLine(PrintWriter out, PrintWriter err, String only) {
        CommandLine cl = new CommandLine(new Main());
        for (var e : Subcommands.ALL.entrySet()) {
            if (only == null || only.equals(e.getKey())) {
                cl.addSubcommand(e.getKey(), e.getValue().get());
            }
        }
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
