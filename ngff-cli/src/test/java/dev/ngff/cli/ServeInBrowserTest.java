package dev.ngff.cli;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.SimpleFileServer;
import dev.ngff.array.Zarr;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.Json;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.testing.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real browser shows an image that {@code ngff serve} serves: headless chromium (Debian's, installed by
 * scripts/browser.sh) opens ngff-server/src/test/js/viewer.html, a small viewer on zarrita's browser
 * modules served from another origin (so CORS is exercised), which draws the sample's first plane coarsest
 * level first and then each finer one. The screenshot must show the sample's cells where they are, and the
 * access log must show the coarse levels fetched before the fine ones.
 */
class ServeInBrowserTest {
    private static final int SIZE = 512;

    @TempDir
    Path dir;

    static Path viewerDir() {
        String root = System.getenv("NGFF_REPO_ROOT");
        return Path.of(root == null ? ".." : root).resolve("ngff-server/src/test/js").toAbsolutePath().normalize();
    }

    static String chromium() {
        String explicit = System.getenv("NGFF_CHROMIUM");
        if (explicit != null) {
            return explicit;
        }
        for (String name : List.of("chromium", "chromium-browser")) {
            for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
                if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
                    return Path.of(d, name).toString();
                }
            }
        }
        return null;
    }

    @Test
    void chromiumDrawsTheServedPyramidCoarseLevelsFirst() throws Exception {
        String browser = chromium();
        Requirements.require("BROWSER TEST OF NGFF SERVE", browser == null ? "no chromium on the PATH (run scripts/browser.sh or set NGFF_CHROMIUM)"
                : !Files.isDirectory(viewerDir().resolve("node_modules/zarrita")) ? "zarrita is not installed under " + viewerDir()
                + " (run scripts/browser.sh)" : null);

        Path sample = dir.resolve("cells.ome.zarr");
        Cli.Result made = Cli.run("sample", sample, "--shape", "1," + SIZE + "," + SIZE, "--chunks", "1,64,64", "--levels", "4", "--seed", "7");
        assertThat(made.code()).as(made.err()).isZero();
        int[][] expected = expectedGray(sample);

        Path log = dir.resolve("access.log");
        HttpServer pages = SimpleFileServer.createFileServer(new InetSocketAddress("127.0.0.1", 0), viewerDir(),
                SimpleFileServer.OutputLevel.NONE);
        pages.start();
        Path shot = dir.resolve("shot.png");
        long logStart = 0;
        try (ServeThread serve = new ServeThread("serve", sample.toString(), "--port", "0", "--access-log", log.toString())) {
            Matcher m = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+/cells\\.ome\\.zarr/)").matcher(serve.awaitStarted());
            assertThat(m.find()).isTrue();
            String page = "http://127.0.0.1:" + pages.getAddress().getPort() + "/viewer.html?source="
                    + URLEncoder.encode(m.group(1), StandardCharsets.UTF_8);
            // headless chromium may take its screenshot before a loaded machine has fetched the finest level: then the
            // run is repeated (at most six times) and only the last run's requests are judged
            for (int attempt = 1; attempt <= 6; attempt++) {
                logStart = Files.exists(log) ? Files.size(log) : 0;
                Files.deleteIfExists(shot);
                Process p = new ProcessBuilder(browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        "--no-first-run", "--user-data-dir=" + dir.resolve("profile" + attempt), "--window-size=" + SIZE + "," + SIZE,
                        "--virtual-time-budget=30000", "--screenshot=" + shot, page)
                        .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
                assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium finished").isTrue();
                assertThat(shot).as(Files.readString(dir.resolve("chromium.log"))).exists();
                Thread.sleep(200); // the access log line of the last response
                if (fetchedLevels(log, logStart).contains(0)) {
                    break;
                }
                System.out.println("ServeInBrowserTest: attempt " + attempt + " ended before level 0 was fetched: "
                        + fetchedLevels(log, logStart));
            }
        } finally {
            pages.stop(0);
        }

        BufferedImage img = ImageIO.read(shot.toFile());
        int w = Math.min(SIZE, img.getWidth());
        int h = Math.min(SIZE, img.getHeight());
        assertThat(h).as("screenshot height").isGreaterThan(SIZE / 2);
        double sum = 0;
        double sumSq = 0;
        double dot = 0;
        double sumE = 0;
        double sumESq = 0;
        double brightInCells = 0;
        long cellPixels = 0;
        double brightOutside = 0;
        long outsidePixels = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                double g = ((rgb >> 16 & 0xff) + (rgb >> 8 & 0xff) + (rgb & 0xff)) / 3.0;
                double e = expected[y][x];
                sum += g;
                sumSq += g * g;
                sumE += e;
                sumESq += e * e;
                dot += g * e;
                if (e > 128) {
                    brightInCells += g;
                    cellPixels++;
                } else if (e < 16) {
                    brightOutside += g;
                    outsidePixels++;
                }
            }
        }
        double n = (double) w * h;
        double sd = Math.sqrt(sumSq / n - (sum / n) * (sum / n));
        double sdE = Math.sqrt(sumESq / n - (sumE / n) * (sumE / n));
        double correlation = (dot / n - (sum / n) * (sumE / n)) / (sd * sdE);
        assertThat(sd).as("the screenshot is not blank").isGreaterThan(5);
        assertThat(cellPixels).as("the sample has cells in view").isGreaterThan(100);
        assertThat(brightInCells / cellPixels).as("bright where the sample's cells are").isGreaterThan(100);
        assertThat(brightOutside / outsidePixels).as("dark between cells").isLessThan(40);
        assertThat(correlation).as("the drawn image is the sample's finest level").isGreaterThan(0.95);

        List<Integer> levels = fetchedLevels(log, logStart);
        assertThat(levels).as("chunks fetched").isNotEmpty();
        assertThat(levels.getFirst()).as("the coarsest level is fetched first").isEqualTo(3);
        assertThat(levels).as("levels fetched coarse to fine").isSortedAccordingTo((a, b) -> Integer.compare(b, a));
        assertThat(levels).contains(0);
    }

    /** The levels of the chunk requests logged after byte {@code from} of the access log, in order. */
    private static List<Integer> fetchedLevels(Path log, long from) throws IOException {
        List<Integer> levels = new ArrayList<>();
        String text = Files.readString(log);
        Matcher chunk = Pattern.compile("\"GET /cells\\.ome\\.zarr/(\\d+)/c/[^ ]* HTTP/1\\.1\" 20[06] ")
                .matcher(text.substring((int) Math.min(from, text.length())));
        while (chunk.find()) {
            levels.add(Integer.parseInt(chunk.group(1)));
        }
        return levels;
    }

    /** The first plane of level 0, windowed to 0..255 as the viewer does with the omero window. */
    private static int[][] expectedGray(Path sample) throws IOException {
        try (FileSystemStore store = FileSystemStore.open(sample); ExecutionContext ctx = ExecutionContext.create()) {
            var root = Json.parse(new String(store.read(Key.of("zarr.json")).orElseThrow().toArray(), StandardCharsets.UTF_8), "zarr.json");
            var window = root.path("attributes").path("ome").path("omero").path("channels").path(0).path("window");
            double lo = window.path("start").asDouble();
            double hi = window.path("end").asDouble();
            NdBuffer level0 = Zarr.openArray(store, Key.of("0"), ctx).read();
            int[][] out = new int[SIZE][SIZE];
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    double v = Short.toUnsignedInt(level0.getShort(0, y, x));
                    out[y][x] = (int) Math.max(0, Math.min(255, (v - lo) * 255 / Math.max(1, hi - lo)));
                }
            }
            return out;
        }
    }
}
