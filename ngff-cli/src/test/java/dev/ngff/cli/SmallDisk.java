package dev.ngff.cli;

import dev.ngff.testing.Requirements;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real, small file system (a tmpfs mount) that a test can fill up and then grow, for full-disk trials.
 * Mounting needs root; without it the test is skipped loudly (and fails under {@code CI=true}, where the
 * tests run as root).
 */
final class SmallDisk implements AutoCloseable {
    private final Path mountPoint;

    private SmallDisk(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Mounts a tmpfs of {@code bytes} (rounded up to pages by the kernel) at {@code mountPoint}, created if missing. */
    static SmallDisk mount(Path mountPoint, long bytes) throws IOException, InterruptedException {
        Files.createDirectories(mountPoint);
        String failure = exec("mount", "-t", "tmpfs", "-o", "size=" + bytes, "ngff-small-disk", mountPoint.toString());
        Requirements.require("a full-disk trial on a small tmpfs", failure == null ? null
                : "cannot mount a tmpfs at " + mountPoint + " (needs root): " + failure);
        return new SmallDisk(mountPoint);
    }

    Path path() {
        return mountPoint;
    }

    /** Changes the file system's size in place; the files on it stay. */
    void resize(long bytes) throws IOException, InterruptedException {
        String failure = exec("mount", "-o", "remount,size=" + bytes, mountPoint.toString());
        if (failure != null) {
            throw new IOException("cannot resize the tmpfs at " + mountPoint + ": " + failure);
        }
    }

    /** Bytes free on the file system. */
    long free() throws IOException {
        return Files.getFileStore(mountPoint).getUsableSpace();
    }

    @Override
    public void close() throws IOException {
        try {
            String failure = exec("umount", mountPoint.toString());
            if (failure != null) {
                throw new IOException("cannot unmount " + mountPoint + ": " + failure);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while unmounting " + mountPoint, e);
        }
    }

    /** Runs a command; null when it exits 0, else what it printed (or why it could not start). */
    private static String exec(String... cmd) throws InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
        } catch (IOException e) {
            return cmd[0] + " did not start: " + e.getMessage();
        }
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return String.join(" ", cmd) + " did not finish in 30 s";
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out;
        } catch (IOException e) {
            return e.getMessage();
        }
    }
}
