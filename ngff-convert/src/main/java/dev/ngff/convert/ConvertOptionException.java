package dev.ngff.convert;

import java.io.Serial;

/**
 * An option of a copy or conversion that cannot apply to the source at hand ({@code --chunks} of the wrong
 * rank, {@code --axes} naming too many axes, a {@code --raw} description that does not parse): a usage error,
 * found while planning and before anything is written. The message is one line that names the option (as the
 * {@code ngff} command spells it) and the value or the source's node; the command line prints it as a usage
 * error, a Spark job refuses to start with it.
 */
public final class ConvertOptionException extends IllegalArgumentException {
    @Serial
    private static final long serialVersionUID = 1L;

    public ConvertOptionException(String message) {
        super(message);
    }

    public ConvertOptionException(String message, Throwable cause) {
        super(message, cause);
    }
}
