package dev.ngff.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs {@code ngff serve} in-process on a thread until {@link #close()} interrupts it. */
final class ServeThread implements AutoCloseable {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final AtomicInteger code = new AtomicInteger(-1);
    private final Thread thread;

    ServeThread(String... args) {
        thread = new Thread(() -> code.set(Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args)), "ngff-serve-test");
        thread.start();
    }

    /** Waits until the server prints that it is serving, and returns what it printed. */
    String awaitStarted() throws InterruptedException {
        for (int i = 0; i < 300 && !out.toString().contains("Ctrl-C stops") && thread.isAlive(); i++) {
            Thread.sleep(50);
        }
        assertThat(out.toString()).as(err.toString()).contains("Ctrl-C stops");
        return out.toString();
    }

    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join(10_000);
        assertThat(thread.isAlive()).as("ngff serve stops when interrupted").isFalse();
        assertThat(code.get()).as(err.toString()).isZero();
    }
}
