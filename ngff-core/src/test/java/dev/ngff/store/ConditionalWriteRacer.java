package dev.ngff.store;

import dev.ngff.buffer.Bytes;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One process of {@link FileSystemStoreProcessRaceTest}: races other processes over one store. At each
 * agreed instant it tries to create {@code race/<round>/lock} and prints {@code win <round>} when it
 * did; then it adds {@code increments} to the shared {@code counter} by compare-and-set and prints
 * {@code refused <n>}, the number of its stale attempts.
 *
 * <p>Arguments: store root, racer id, rounds, increments, start instant (epoch ms), ms between rounds.
 */
public final class ConditionalWriteRacer {
    private ConditionalWriteRacer() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        String id = args[1];
        int rounds = Integer.parseInt(args[2]);
        int increments = Integer.parseInt(args[3]);
        long start = Long.parseLong(args[4]);
        long spacing = Long.parseLong(args[5]);
        try (FileSystemStore s = FileSystemStore.open(root)) {
            for (int r = 0; r < rounds; r++) {
                sleepUntil(start + r * spacing);
                Optional<String> v = s.writeIfAbsent(Key.of("race/" + r + "/lock"), Bytes.wrap(("holder " + id).getBytes(StandardCharsets.US_ASCII)));
                if (v.isPresent()) {
                    System.out.println("win " + r + " " + v.get());
                }
            }
            sleepUntil(start + rounds * spacing);
            Key counter = Key.of("counter");
            int refused = 0;
            for (int done = 0; done < increments; ) {
                String v = s.version(counter).orElseThrow();
                long n = Long.parseLong(new String(s.read(counter).orElseThrow().toArray(), StandardCharsets.US_ASCII));
                if (s.writeIfVersion(counter, Bytes.wrap(Long.toString(n + 1).getBytes(StandardCharsets.US_ASCII)), v).isPresent()) {
                    done++;
                } else {
                    refused++;
                }
            }
            System.out.println("refused " + refused);
        }
        System.out.flush();
    }

    private static void sleepUntil(long epochMs) throws InterruptedException {
        long wait = epochMs - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }
}
