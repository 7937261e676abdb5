package dev.ngff.validate;

import java.util.Objects;

/**
 * One finding of a validation.
 *
 * @param severity {@link Severity#ERROR} makes the hierarchy invalid; warnings do only under {@code --strict}
 * @param rule     a stable identifier of the check ({@code "schema"}, {@code "dataset-exists"}, ...)
 * @param node     the node's path in the store ({@code "/"} for the root)
 * @param pointer  JSON pointer into the node's attributes, or empty
 * @param message  what is wrong, in words
 */
public record Issue(Severity severity, String rule, String node, String pointer, String message) {
    public enum Severity { ERROR, WARNING }

    public Issue {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(message, "message");
        node = node == null || node.isEmpty() ? "/" : node;
        pointer = pointer == null ? "" : pointer;
    }

    @Override
    public String toString() {
        return severity + " [" + rule + "] " + node + (pointer.isEmpty() ? "" : " " + pointer) + ": " + message;
    }
}
