package dev.ngff.cli;

import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/** How failures become messages and exit codes: 1 for failed work, 2 for usage errors. */
final class Failures {
    static final int FAILED = 1;
    static final int USAGE = 2;

    private Failures() {
    }

    /** Failures of the work: one line naming the problem, the trace only with {@code --stacktrace}. */
    static final class ExecutionHandler implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
            PrintWriter err = cmd.getErr();
            err.println("ngff " + cmd.getCommandName() + ": " + message(ex));
            if (wantsTrace(parseResult)) {
                ex.printStackTrace(err);
            }
            err.flush();
            return FAILED;
        }
    }

    /** Usage errors: the message and a pointer to the help, exit code 2. */
    static final class UsageHandler implements CommandLine.IParameterExceptionHandler {
        @Override
        public int handleParseException(CommandLine.ParameterException ex, String[] args) {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println("ngff: " + ex.getMessage());
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, err)) {
                err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
            }
            if (ex.getCause() != null && containsTraceFlag(args)) {
                ex.printStackTrace(err);
            }
            err.flush();
            return USAGE;
        }
    }

    /** The message of a failure, unwrapping wrappers that add nothing. */
    static String message(Throwable t) {
        Throwable e = t;
        while ((e instanceof UncheckedIOException || e.getClass() == RuntimeException.class
                || (e instanceof IOException && e.getMessage() == null)) && e.getCause() != null) {
            e = e.getCause();
        }
        String m = e.getMessage();
        if (e instanceof IOException || e instanceof UnsupportedOperationException) {
            return m == null ? e.getClass().getSimpleName() : m.replace('\n', ' ');
        }
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m.replace('\n', ' '));
    }

    private static boolean wantsTrace(ParseResult parseResult) {
        for (ParseResult r = parseResult; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption("--stacktrace")) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsTraceFlag(String[] args) {
        for (String a : args) {
            if (a.equals("--stacktrace")) {
                return true;
            }
        }
        return false;
    }
}
