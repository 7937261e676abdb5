package dev.ngff.cli;

import dev.ngff.error.Causes;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * How failures become messages and exit codes: 1 for failed work, 2 for usage errors. Every failure is
 * one line on standard error, {@code ngff <command>: <what went wrong>}, naming the store, key, path or
 * option at fault and never a Java class name; {@code --stacktrace} adds the trace below it.
 */
final class Failures {
    static final int FAILED = 1;
    static final int USAGE = 2;

    private Failures() {
    }

    /** Failures of the work: one line naming the problem, the trace only with {@code --stacktrace}. */
    static final class ExecutionHandler implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
            return report(cmd.getCommandName(), ex, wantsTrace(parseResult), cmd.getErr());
        }
    }

    /** Reports a failure of the work of {@code ngff <command>} and returns its exit code ({@link #FAILED}). */
    static int report(String command, Exception ex, boolean trace, PrintWriter err) {
        err.println("ngff " + command + ": " + message(ex));
        if (trace) {
            ex.printStackTrace(err);
        }
        err.flush();
        return FAILED;
    }

    /** Usage errors: the message and a pointer to the help, exit code 2. */
    static final class UsageHandler implements CommandLine.IParameterExceptionHandler {
        @Override
        public int handleParseException(CommandLine.ParameterException ex, String[] args) {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            String suggestions = "";
            if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
                suggestions = "; did you mean " + String.join(" or ", u.getSuggestions()) + "?";
            }
            err.println(cmd.getCommandSpec().qualifiedName() + ": " + Causes.oneLine(String.valueOf(ex.getMessage()))
                    + suggestions + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
            if (ex.getCause() != null && containsTraceFlag(args)) {
                ex.printStackTrace(err);
            }
            err.flush();
            return USAGE;
        }
    }

    /**
     * The message of a failure, unwrapping wrappers that add nothing: what the world did (I/O, corrupt
     * or unsupported data) in plain words; anything else is a bug of ours and says so, without the
     * internals of its message (the trace has them).
     */
    static String message(Throwable t) {
        Throwable e = t;
        while ((e instanceof UncheckedIOException || e.getClass() == RuntimeException.class
                || e instanceof java.util.concurrent.ExecutionException || e instanceof java.util.concurrent.CompletionException
                || (e instanceof IOException && e.getMessage() == null)) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof IOException || e instanceof UnsupportedOperationException || e instanceof IllegalArgumentException
                || e instanceof IndexOutOfBoundsException || e instanceof ArithmeticException) {
            return Causes.describe(e);
        }
        return "internal error; run again with --stacktrace to see where, and please report it";
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
