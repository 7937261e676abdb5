package dev.ngff.cli;

import dev.ngff.write.IncompleteMarker;
import dev.ngff.write.WriterLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of the pyramid writers at random moments. {@code ngff sample} (level 0 and its pyramid in one pass,
 * with labels): afterwards every published array holds exactly its final data, and the image's multiscales
 * exist only when every level is there; a rerun gives the uninterrupted result byte for byte.
 * {@code ngff pyramid} (levels replaced in place): afterwards the image is either as before, finished, or
 * marked incomplete; rerunning the command gives the uninterrupted result byte for byte. {@code ngff convert
 * --levels auto} (an image and its label image, levels made anew): afterwards the target is marked incomplete
 * or finished, and the same command with {@code --resume} gives the uninterrupted result byte for byte. The
 * number of kills follows the crash harness ({@code -Dngff.crash.kills}, default 100: 10 of each here).
 */
class PyramidCrashTest {
    private static final String[] SAMPLE = {"--shape", "24,200,160", "--chunks", "8,32,32", "--shards", "8,64,64",
            "--labels", "--seed", "7"};

    @TempDir
    Path dir;

    private static int kills() {
        String p = System.getProperty("ngff.crash.kills", System.getenv().getOrDefault("NGFF_CRASH_KILLS", "100"));
        return Math.max(2, Integer.parseInt(p.trim()) / 10);
    }

    @Test
    void killedSamplesPublishNothingAheadOfData() throws Exception {
        Path ref = dir.resolve("ref.ome.zarr");
        long t0 = System.nanoTime();
        run(new ArrayList<>(List.of("sample", ref.toString())), SAMPLE);
        long total = (System.nanoTime() - t0) / 1_000_000;
        TreeMap<String, byte[]> reference = CopyTrees.files(ref);
        long seed = System.nanoTime();
        System.out.println("pyramid crash (sample): " + kills() + " kills, seed " + seed + ", a run takes " + total + " ms");
        Random r = new Random(seed);
        int withImage = 0;
        for (int i = 0; i < kills(); i++) {
            Path d = dir.resolve("s" + i);
            long delay = (long) (r.nextDouble() * total * 1.1);
            Process p = start(List.of("sample", d.toString()), SAMPLE);
            p.waitFor(delay, TimeUnit.MILLISECONDS);
            p.destroyForcibly();
            p.waitFor();
            String trial = "sample trial " + i + " (kill after " + delay + " ms, seed " + seed + ")";
            TreeMap<String, byte[]> files = Files.exists(d) ? CopyTrees.files(d) : new TreeMap<>();
            files.keySet().removeIf(k -> k.contains(".tmp-") || k.startsWith(".ngff-"));
            // every published array (its zarr.json present) holds the reference's data, chunk for chunk
            for (String key : files.keySet()) {
                if (key.endsWith("zarr.json") && !key.equals("zarr.json") && !key.equals("labels/zarr.json")
                        && !key.equals("labels/cells/zarr.json")) {
                    String array = key.substring(0, key.length() - "zarr.json".length());
                    for (Map.Entry<String, byte[]> e : reference.subMap(array, array + Character.MAX_VALUE).entrySet()) {
                        assertThat(files.get(e.getKey())).as(trial + ": published array's object " + e.getKey())
                                .isEqualTo(e.getValue());
                    }
                }
            }
            if (files.containsKey("zarr.json")) {
                withImage++;
                for (String level : List.of("0/zarr.json", "1/zarr.json", "2/zarr.json")) {
                    assertThat(files).as(trial + ": multiscales listed before " + level).containsKey(level);
                }
            }
            if (files.containsKey("labels/zarr.json")) {
                assertThat(files).as(trial + ": labels listed before the label image").containsKey("labels/cells/zarr.json");
            }
            run(new ArrayList<>(List.of("sample", d.toString(), "--overwrite")), SAMPLE);
            CopyTrees.assertIdentical(d, reference, trial + ": rerun");
            CopyTrees.delete(d);
        }
        System.out.println("pyramid crash (sample): " + withImage + " of " + kills() + " kills left a complete image");
    }

    @Test
    void killedPyramidRunsAreMarkedAndFinishOnRerun() throws Exception {
        Path base = dir.resolve("base.ome.zarr");
        run(new ArrayList<>(List.of("sample", base.toString(), "--levels", "1")), SAMPLE);
        TreeMap<String, byte[]> before = CopyTrees.files(base);
        Path ref = dir.resolve("ref.ome.zarr");
        CopyTrees.copy(base, ref);
        long t0 = System.nanoTime();
        run(new ArrayList<>(List.of("pyramid", ref.toString())));
        long total = (System.nanoTime() - t0) / 1_000_000;
        TreeMap<String, byte[]> reference = CopyTrees.files(ref);
        reference.keySet().removeIf(k -> k.startsWith(".ngff-conditional"));
        long seed = System.nanoTime();
        System.out.println("pyramid crash (pyramid): " + kills() + " kills, seed " + seed + ", a run takes " + total + " ms");
        Random r = new Random(seed);
        int marked = 0;
        for (int i = 0; i < kills(); i++) {
            Path d = dir.resolve("p" + i);
            CopyTrees.copy(base, d);
            long delay = (long) (r.nextDouble() * total * 1.1);
            Process p = start(List.of("pyramid", d.toString()));
            p.waitFor(delay, TimeUnit.MILLISECONDS);
            p.destroyForcibly();
            p.waitFor();
            String trial = "pyramid trial " + i + " (kill after " + delay + " ms, seed " + seed + ")";
            TreeMap<String, byte[]> files = CopyTrees.files(d);
            files.keySet().removeIf(k -> k.contains(".tmp-") || k.equals(WriterLock.NAME) || k.startsWith(".ngff-conditional"));
            if (files.containsKey(IncompleteMarker.NAME)) {
                marked++;
                Cli.Result info = Cli.run("info", d);
                assertThat(info.code()).as(trial).isEqualTo(1);
                assertThat(info.err()).as(trial).contains("incomplete", "ngff pyramid");
            } else {
                assertThat(CopyTrees.identical(files, before) || CopyTrees.identical(files, reference))
                        .as(trial + ": unmarked means untouched or finished; against the finished result: "
                                + CopyTrees.differences(files, reference)).isTrue();
            }
            run(new ArrayList<>(List.of("pyramid", d.toString())));
            TreeMap<String, byte[]> after = CopyTrees.files(d);
            after.keySet().removeIf(k -> k.startsWith(".ngff-conditional"));
            assertThat(CopyTrees.differences(after, reference)).as(trial + ": rerun").isEmpty();
            CopyTrees.delete(d);
        }
        System.out.println("pyramid crash (pyramid): " + marked + " of " + kills() + " kills left the image marked incomplete");
    }

    @Test
    void killedConvertsWithLevelsFinishOnResume() throws Exception {
        Path base = dir.resolve("base.ome.zarr");
        run(new ArrayList<>(List.of("sample", base.toString(), "--levels", "1")), SAMPLE);
        String[] convert = {"--levels", "auto"};
        Path ref = dir.resolve("ref.ome.zarr");
        long t0 = System.nanoTime();
        run(new ArrayList<>(List.of("convert", base.toString(), ref.toString())), convert);
        long total = (System.nanoTime() - t0) / 1_000_000;
        TreeMap<String, byte[]> reference = CopyTrees.files(ref);
        reference.keySet().removeIf(k -> k.startsWith(".ngff-conditional"));
        assertThat(reference).containsKeys("3/zarr.json", "labels/cells/3/zarr.json");
        long seed = System.nanoTime();
        System.out.println("pyramid crash (convert --levels auto): " + kills() + " kills, seed " + seed + ", a run takes "
                + total + " ms");
        Random r = new Random(seed);
        int marked = 0;
        int kept = 0;
        for (int i = 0; i < kills(); i++) {
            Path d = dir.resolve("c" + i);
            long delay = (long) (r.nextDouble() * total * 1.1);
            Process p = start(List.of("convert", base.toString(), d.toString()), convert);
            p.waitFor(delay, TimeUnit.MILLISECONDS);
            p.destroyForcibly();
            p.waitFor();
            String trial = "convert trial " + i + " (kill after " + delay + " ms, seed " + seed + ")";
            TreeMap<String, byte[]> files = Files.exists(d) ? CopyTrees.files(d) : new TreeMap<>();
            files.keySet().removeIf(k -> k.contains(".tmp-") || k.equals(WriterLock.NAME) || k.startsWith(".ngff-conditional"));
            if (files.containsKey(IncompleteMarker.NAME)) {
                marked++;
                Cli.Result info = Cli.run("info", d);
                assertThat(info.code()).as(trial).isEqualTo(1);
                assertThat(info.err()).as(trial).contains("incomplete");
            } else if (!files.isEmpty()) {
                assertThat(CopyTrees.identical(files, reference)).as(trial + ": unmarked means finished: "
                        + CopyTrees.differences(files, reference)).isTrue();
            }
            // the same arguments with --resume, as the marker and the interrupted message say
            List<String> resume = new ArrayList<>(CrashHarnessTest.javaCommand());
            resume.addAll(List.of(Main.class.getName(), "convert", base.toString(), d.toString(), "--resume"));
            resume.addAll(List.of(convert));
            Path said = dir.resolve("resume-" + i + ".out");
            Process again = new ProcessBuilder(resume).redirectOutput(said.toFile()).start();
            assertThat(again.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String out = Files.readString(said);
            assertThat(again.exitValue()).as(trial + ": resume\n" + new String(again.getErrorStream().readAllBytes())).isZero();
            kept += out.contains("verified and kept") ? 1 : 0;
            TreeMap<String, byte[]> after = CopyTrees.files(d);
            after.keySet().removeIf(k -> k.startsWith(".ngff-conditional"));
            assertThat(CopyTrees.differences(after, reference)).as(trial + ": resumed").isEmpty();
            CopyTrees.delete(d);
        }
        System.out.println("pyramid crash (convert --levels auto): " + marked + " of " + kills() + " kills left the target "
                + "marked incomplete, " + kept + " resumes kept journaled levels");
    }

    private static void run(List<String> head, String... tail) throws Exception {
        Process p = start(head, tail);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getErrorStream().readAllBytes())).isZero();
    }

    private static Process start(List<String> head, String... tail) throws java.io.IOException {
        List<String> cmd = new ArrayList<>(CrashHarnessTest.javaCommand());
        cmd.add(Main.class.getName());
        cmd.addAll(head);
        cmd.addAll(List.of(tail));
        return new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }
}
