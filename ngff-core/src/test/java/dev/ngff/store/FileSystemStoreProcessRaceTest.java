package dev.ngff.store;

import dev.ngff.buffer.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditional writes of {@link FileSystemStore} across processes: several JVMs ({@link ConditionalWriteRacer})
 * race to create the same keys at agreed instants and then increment one counter by compare-and-set.
 * Exactly one process wins each round, and no increment is lost.
 */
class FileSystemStoreProcessRaceTest {
    private static final int PROCESSES = 4;
    private static final int ROUNDS = 25;
    private static final int INCREMENTS = 30;

    @TempDir
    Path dir;

    @Test
    void exactlyOneProcessWinsEachRoundAndNoIncrementIsLost() throws Exception {
        Path root = Files.createDirectories(dir.resolve("store"));
        try (FileSystemStore s = FileSystemStore.open(root)) {
            s.writeIfAbsent(Key.of("counter"), Bytes.wrap("0".getBytes(StandardCharsets.US_ASCII))).orElseThrow();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // JVMs take a second or two to start on a busy machine: agree on an instant well after that
        long start = System.currentTimeMillis() + 6_000;
        List<Process> racers = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        for (int p = 0; p < PROCESSES; p++) {
            Path out = dir.resolve("racer-" + p + ".out");
            outputs.add(out);
            racers.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    ConditionalWriteRacer.class.getName(), root.toString(), Integer.toString(p), Integer.toString(ROUNDS),
                    Integer.toString(INCREMENTS), Long.toString(start), "40")
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start());
        }
        for (int p = 0; p < PROCESSES; p++) {
            Process racer = racers.get(p);
            if (!racer.waitFor(120, TimeUnit.SECONDS)) {
                racers.forEach(Process::destroyForcibly);
                throw new AssertionError("racer " + p + " did not finish in 120 s:\n" + Files.readString(outputs.get(p)));
            }
            assertThat(racer.exitValue()).as("racer " + p + " exit status; its output:\n" + Files.readString(outputs.get(p))).isZero();
        }

        Map<Integer, List<Integer>> winners = new HashMap<>();
        long refused = 0;
        for (int p = 0; p < PROCESSES; p++) {
            for (String line : Files.readAllLines(outputs.get(p))) {
                String[] f = line.split(" ");
                if (f[0].equals("win")) {
                    winners.computeIfAbsent(Integer.parseInt(f[1]), r -> new ArrayList<>()).add(p);
                } else if (f[0].equals("refused")) {
                    refused += Long.parseLong(f[1]);
                }
            }
        }
        try (FileSystemStore s = FileSystemStore.open(root)) {
            for (int r = 0; r < ROUNDS; r++) {
                assertThat(winners.get(r)).as("winning processes of round " + r).hasSize(1);
                assertThat(s.read(Key.of("race/" + r + "/lock")).orElseThrow().toArray())
                        .isEqualTo(("holder " + winners.get(r).getFirst()).getBytes(StandardCharsets.US_ASCII));
            }
            assertThat(new String(s.read(Key.of("counter")).orElseThrow().toArray(), StandardCharsets.US_ASCII))
                    .isEqualTo(Integer.toString(PROCESSES * INCREMENTS));
        }
        System.out.println("cross-process race: " + PROCESSES + " JVMs, " + ROUNDS + " create rounds, "
                + PROCESSES * INCREMENTS + " increments, " + refused + " stale compare-and-set attempts refused");
        assertThat(leftovers(root)).as("temp files left behind").isEmpty();
    }

    private static List<Path> leftovers(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().startsWith(FileSystemStore.TEMP_PREFIX)).toList();
        }
    }
}
