package dev.ngff.error;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.zip.ZipException;

/**
 * Words for the cause of a failure, fit for the end of a one-line message: what happened, without Java
 * class names, stack traces or line breaks ({@code "permission denied (/data/out.npy)"} rather than
 * {@code "AccessDeniedException: /data/out.npy"}). Stateless and thread-safe.
 */
public final class Causes {
    /** Longer messages (some libraries put whole provider chains in one) are cut to this many characters. */
    public static final int MAX_LENGTH = 400;

    private Causes() {
    }

    /** What {@code t} says happened, on one line. */
    public static String describe(Throwable t) {
        String m = t.getMessage();
        String text = switch (t) {
            case NoSuchFileException e -> fileProblem("no such file or directory", e);
            case AccessDeniedException e -> fileProblem("permission denied", e);
            case FileAlreadyExistsException e -> fileProblem("already exists", e);
            case DirectoryNotEmptyException e -> fileProblem("directory not empty", e);
            case NotDirectoryException e -> fileProblem("not a directory", e);
            case FileSystemLoopException e -> fileProblem("a cycle of symbolic links", e);
            case FileSystemException e -> fileProblem(e.getReason() == null ? "file system error" : e.getReason(), e);
            case ClosedByInterruptException e -> "interrupted";
            case ClosedChannelException e -> "the file was closed";
            case EOFException e -> m == null ? "unexpected end of data" : "unexpected end of data: " + m;
            case ZipException e -> m == null ? "corrupt zip file" : "corrupt zip file: " + m;
            case ConnectException e -> m == null ? "connection refused" : "cannot connect: " + m;
            case NoRouteToHostException e -> m == null ? "no route to host" : "no route to host: " + m;
            case UnknownHostException e -> m == null ? "unknown host" : "unknown host " + m;
            case SocketTimeoutException e -> m == null ? "timed out" : "timed out: " + m;
            case HttpTimeoutException e -> m == null ? "timed out" : "timed out: " + m;
            default -> m == null || m.isBlank() ? withoutMessage(t) : m;
        };
        // our own messages are built to be complete (the store, the key, the command that resumes):
        // only foreign ones, which may hold whole provider chains, are cut
        return t instanceof NgffException ? collapse(text) : oneLine(text);
    }

    /** {@code text} with line breaks and runs of white space collapsed, cut to {@link #MAX_LENGTH}. */
    public static String oneLine(String text) {
        String s = collapse(text);
        return s.length() <= MAX_LENGTH ? s : s.substring(0, MAX_LENGTH - 3) + "...";
    }

    private static String collapse(String text) {
        return text.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    /** {@code s} with control characters (NUL, line breaks) as {@code \\uXXXX} escapes, so it prints on one line. */
    public static String printable(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String fileProblem(String what, FileSystemException e) {
        String reason = e.getReason();
        StringBuilder sb = new StringBuilder(what);
        if (reason != null && !reason.equalsIgnoreCase(what)) {
            sb.append(": ").append(reason);
        }
        if (e.getFile() != null) {
            sb.append(" (").append(e.getFile());
            if (e.getOtherFile() != null) {
                sb.append(" -> ").append(e.getOtherFile());
            }
            sb.append(')');
        }
        return sb.toString();
    }

    /** A cause without a message: its own cause's words, else what kind of failure it was. */
    private static String withoutMessage(Throwable t) {
        if (t.getCause() != null && t.getCause() != t) {
            return describe(t.getCause());
        }
        return switch (t) {
            case OutOfMemoryError e -> "out of memory";
            case StackOverflowError e -> "nesting too deep (stack overflow)";
            case java.io.IOException e -> "input/output error";
            default -> "internal error";
        };
    }
}
