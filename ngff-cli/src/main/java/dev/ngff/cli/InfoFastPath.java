package dev.ngff.cli;

import dev.ngff.store.ReadableStore;
import dev.ngff.store.Stores;

import java.io.IOException;
import java.io.PrintWriter;

/**
 * {@code ngff info} without picocli for the plain command lines people type most: {@code ngff [--stacktrace] info
 * [--json] [--stacktrace] <location>}, options in any order after {@code info}, each at most once. Building picocli's
 * command model (reflection over the annotations, about 170 classes that the JDK's AOT cache cannot hold) is most
 * of the start-up time of a small {@code ngff info}.
 *
 * <p>Anything else (help, version, an unknown or repeated option, {@code --}, an {@code @file} argument, a
 * location that begins with {@code -} or {@code @}, a second location, a location {@code Stores} refuses) goes to
 * picocli, so help, usage errors and their exit codes stay picocli's. A failure of the work is reported exactly as
 * {@link Failures.ExecutionHandler} reports it.
 */
final class InfoFastPath {
    private static final String COMMAND = "info";
    private static final String JSON = "--json";
    private static final String TRACE = "--stacktrace";

    private InfoFastPath() {
    }

    /** A plain {@code info} command line, as parsed here. */
    record Plain(String location, boolean json, boolean trace) {
    }

    /** Thrown by the opener when {@code Stores} refuses the location: picocli reports that usage error. */
    private static final class LeaveToPicocli extends RuntimeException {
        LeaveToPicocli() {
            super(null, null, false, false);
        }
    }

    /**
     * Runs {@code ngff info} when the arguments are a plain info command line and returns its exit code; returns
     * null, having printed nothing, when picocli must handle them.
     */
    static Integer run(PrintWriter out, PrintWriter err, String... args) {
        Plain p = parse(args);
        if (p == null) {
            return null;
        }
        try {
            return InfoCommand.describe(p.location(), p.json(), out, err, InfoFastPath::open);
        } catch (LeaveToPicocli e) {
            return null;
        } catch (Exception e) {
            return Failures.report(COMMAND, e, p.trace(), err);
        }
    }

    private static ReadableStore open(String location) throws IOException {
        try {
            return Stores.open(location);
        } catch (IllegalArgumentException e) {
            throw new LeaveToPicocli(); // opening is the first thing info does: nothing was printed yet
        }
    }

    /** The plain command line the arguments are, or null when picocli must parse them. */
    static Plain parse(String... args) {
        if (System.getProperty("picocli.trace") != null) {
            return null; // picocli's own tracing was asked for
        }
        int i = 0;
        boolean trace = false;
        if (i < args.length && TRACE.equals(args[i])) {
            trace = true;
            i++;
        }
        if (i >= args.length || !COMMAND.equals(args[i])) {
            return null;
        }
        i++;
        boolean json = false;
        String location = null;
        for (; i < args.length; i++) {
            String a = args[i];
            if (JSON.equals(a) && !json) {
                json = true;
            } else if (TRACE.equals(a) && !trace) {
                trace = true;
            } else if (location == null && !a.isEmpty() && a.charAt(0) != '-' && a.charAt(0) != '@') {
                location = a;
            } else {
                return null;
            }
        }
        return location == null ? null : new Plain(location, json, trace);
    }
}
