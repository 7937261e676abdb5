package dev.ngff.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.Console;
import java.io.PrintWriter;

/** Progress in bytes: a progress bar on the error stream, or nothing. Thread-safe. */
interface Progress extends AutoCloseable {

    /** Adds {@code bytes} to the work done. */
    void step(long bytes);

    @Override
    void close();

    /**
     * A progress bar on {@code err} when {@code forced} or when the JVM's console is a terminal;
     * otherwise a no-op.
     */
    static Progress open(String task, long totalBytes, boolean forced, PrintWriter err) {
        Console console = System.console();
        if (!forced && (console == null || !console.isTerminal())) {
            return new Progress() {
                @Override
                public void step(long bytes) {
                }

                @Override
                public void close() {
                }
            };
        }
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(Math.max(totalBytes, 1))
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" MiB", 1 << 20)
                .setUpdateIntervalMillis(250)
                .showSpeed()
                .setConsumer(new WriterConsumer(err))
                .build();
        return new Progress() {
            @Override
            public void step(long bytes) {
                bar.stepBy(bytes);
            }

            @Override
            public void close() {
                bar.close();
            }
        };
    }

    /** Renders the bar onto a writer, redrawing the line with a carriage return. */
    final class WriterConsumer implements ProgressBarConsumer {
        private final PrintWriter out;

        WriterConsumer(PrintWriter out) {
            this.out = out;
        }

        @Override
        public int getMaxRenderedLength() {
            return 100;
        }

        @Override
        public synchronized void accept(String rendered) {
            out.print('\r');
            out.print(rendered);
            out.flush();
        }

        @Override
        public synchronized void close() {
            out.println();
            out.flush();
        }
    }
}
