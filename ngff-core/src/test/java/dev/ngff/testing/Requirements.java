package dev.ngff.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * Outside dependencies a test needs (a native library, a Python peer): when one is absent the test is
 * skipped loudly, and under {@code CI=true}, where CI installs every dependency, it fails instead.
 */
public final class Requirements {
    private Requirements() {
    }

    /**
     * Returns when {@code missingCause} is null; otherwise prints that {@code what} did not run and why,
     * then fails under CI or aborts the test elsewhere.
     */
    public static void require(String what, String missingCause) {
        if (missingCause == null) {
            return;
        }
        String msg = what + " SKIPPED: " + missingCause;
        System.err.println("*** " + msg + " ***");
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(msg + "; under CI this is a failure");
        }
        Assumptions.abort(msg);
    }
}
