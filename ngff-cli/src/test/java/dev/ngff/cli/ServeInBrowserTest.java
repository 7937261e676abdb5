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
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.IntToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real browsers show an image that {@code ngff serve} serves, with pages served from another origin (so CORS is
 * exercised), in Debian's headless chromium (installed with chromedriver by scripts/browser.sh):
 * <ul>
 *   <li>{@link #vizarrDrawsTheServedPyramidCoarseLevelsFirst}: vizarr, a published OME-Zarr viewer (the Galaxy
 *   project's npm build, {@code @galaxyproject/vizarr}), through ngff-server/src/test/js/vizarr.html, driven by
 *   chromedriver in real time (deck.gl draws nothing under {@code --virtual-time-budget});</li>
 *   <li>{@link #zarritaPageDrawsTheServedPyramidCoarseLevelsFirst}: viewer.html, a small page of ours on
 *   zarrita's browser modules that draws on a 2-D canvas, with {@code chromium --screenshot} alone; it needs
 *   neither WebGL nor chromedriver, so it still checks the server where vizarr's stack is what broke.</li>
 * </ul>
 * Each screenshot must show the sample's first plane where it was drawn (correlation with the finest level,
 * bright where its cells are, dark between), and the access log must show the coarsest level fetched first.
 */
class ServeInBrowserTest {
    /** Connections chromium opens to one host over HTTP/1.1: at most this many requests are in flight at once. */
    private static final int CONNECTIONS_PER_HOST = 6;

    private static final int SIZE = 512;
    private static final Pattern DATASET_URL = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+/cells\\.ome\\.zarr/)");

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
        String found = onPath("chromium");
        return found != null ? found : onPath("chromium-browser");
    }

    /** The executable {@code name} found on the PATH, or null. */
    static String onPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
                return Path.of(d, name).toString();
            }
        }
        return null;
    }

    private Path sample() throws Exception {
        Path sample = dir.resolve("cells.ome.zarr");
        Cli.Result made = Cli.run("sample", sample, "--shape", "1," + SIZE + "," + SIZE, "--chunks", "1,64,64", "--levels", "4", "--seed", "7");
        assertThat(made.code()).as(made.err()).isZero();
        return sample;
    }

    @Test
    void vizarrDrawsTheServedPyramidCoarseLevelsFirst() throws Exception {
        String browser = chromium();
        String driver = ChromeDriver.executable();
        Requirements.require("VIZARR BROWSER TEST OF NGFF SERVE", browser == null ? "no chromium on the PATH (run scripts/browser.sh or set NGFF_CHROMIUM)"
                : driver == null ? "no chromedriver on the PATH (run scripts/browser.sh or set NGFF_CHROMEDRIVER)"
                : !Files.isRegularFile(viewerDir().resolve("node_modules/@galaxyproject/vizarr/static/index.js"))
                ? "vizarr (@galaxyproject/vizarr) is not installed under " + viewerDir() + " (run scripts/browser.sh)" : null);

        Path sample = sample();
        double[][] expected = expectedLevel0(sample);
        Path log = dir.resolve("access.log");
        BufferedImage img;
        try (ServeThread serve = new ServeThread("serve", sample.toString(), "--port", "0", "--access-log", log.toString())) {
            Matcher m = DATASET_URL.matcher(serve.awaitStarted());
            assertThat(m.find()).isTrue();
            String source = m.group(1);
            HttpServer pages = SimpleFileServer.createFileServer(new InetSocketAddress("127.0.0.1", 0), viewerDir(),
                    SimpleFileServer.OutputLevel.NONE);
            // stands in for Galaxy's dataset API, which vizarr's Galaxy build asks where the image is: a "deferred"
            // dataset whose first source is the served image
            pages.createContext("/api/datasets/", exchange -> {
                byte[] body = ("{\"id\":\"served\",\"name\":\"cells\",\"state\":\"deferred\",\"sources\":[{\"source_uri\":\""
                        + source + "\"}]}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (var out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            pages.start();
            try (ChromeDriver chrome = ChromeDriver.start(driver, browser, dir, SIZE, SIZE)) {
                chrome.open("http://127.0.0.1:" + pages.getAddress().getPort() + "/vizarr.html?dataset=served");
                img = settledScreenshot(chrome, log);
            } finally {
                pages.stop(0);
            }
        }
        keep(img, "vizarr.png");

        // vizarr fits the image into the view with a margin: find where it drew (the sample's background is above
        // the channel's window start, so every drawn pixel has some green), and check that the box is a centred square
        Rectangle drawn = drawnBox(img);
        assertThat(drawn.width).as("drawn width (box " + drawn + ")").isGreaterThan(SIZE / 2);
        assertThat(Math.abs(drawn.width - drawn.height)).as("the square image is drawn square: " + drawn).isLessThanOrEqualTo(2);
        assertThat(Math.abs(drawn.x + drawn.width / 2 - SIZE / 2)).as("centred: " + drawn).isLessThanOrEqualTo(2);
        assertThat(Math.abs(drawn.y + drawn.height / 2 - SIZE / 2)).as("centred: " + drawn).isLessThanOrEqualTo(2);
        // the channel's colour is 00FF00: green only
        Match match = Match.of(img, drawn, expected, rgb -> rgb >> 8 & 0xff);
        System.out.println("ServeInBrowserTest (vizarr): drawn at " + drawn + ", " + match);
        assertThat(match.otherChannels()).as("nothing but green: the channel's colour").isLessThan(1.0);
        match.assertShowsTheSample(0.98);

        // the log is in the order responses completed; vizarr requests tiles of several levels at once over up to
        // six HTTP/1.1 connections (chromium's limit per host), so a request sent first completes among the first six
        List<Integer> levels = fetchedLevels(log, 0);
        assertThat(levels).as("chunks fetched").isNotEmpty();
        assertThat(levels.indexOf(3)).as("the coarsest level is requested first (among the first 6 responses): " + levels)
                .isBetween(0, CONNECTIONS_PER_HOST - 1);
        assertThat(levels).as("the finest level is fetched").contains(0);
    }

    /**
     * Waits until the page has fetched level 0 and the server has been idle for a while, then until two screenshots
     * a moment apart are the same (vizarr uploads tiles and redraws after the last fetch), and returns the last.
     */
    private BufferedImage settledScreenshot(ChromeDriver chrome, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        long lastSize = -1;
        long quietSince = System.nanoTime();
        while (true) {
            long size = Files.exists(log) ? Files.size(log) : 0;
            if (size != lastSize) {
                lastSize = size;
                quietSince = System.nanoTime();
            } else if (fetchedLevels(log, 0).contains(0) && System.nanoTime() - quietSince > TimeUnit.MILLISECONDS.toNanos(1500)) {
                break;
            }
            assertThat(System.nanoTime()).as("vizarr fetched level 0 within 90 s; levels fetched: " + fetchedLevels(log, 0)
                    + "; chromedriver: " + chrome.log()).isLessThan(deadline);
            Thread.sleep(200);
        }
        byte[] last = chrome.screenshot();
        for (int i = 0; i < 40; i++) {
            Thread.sleep(500);
            byte[] now = chrome.screenshot();
            if (Arrays.equals(now, last)) {
                break;
            }
            last = now;
        }
        return ImageIO.read(new ByteArrayInputStream(last));
    }

    @Test
    void zarritaPageDrawsTheServedPyramidCoarseLevelsFirst() throws Exception {
        String browser = chromium();
        Requirements.require("BROWSER TEST OF NGFF SERVE", browser == null ? "no chromium on the PATH (run scripts/browser.sh or set NGFF_CHROMIUM)"
                : !Files.isDirectory(viewerDir().resolve("node_modules/zarrita")) ? "zarrita is not installed under " + viewerDir()
                + " (run scripts/browser.sh)" : null);

        Path sample = sample();
        double[][] expected = expectedLevel0(sample);

        Path log = dir.resolve("access.log");
        HttpServer pages = SimpleFileServer.createFileServer(new InetSocketAddress("127.0.0.1", 0), viewerDir(),
                SimpleFileServer.OutputLevel.NONE);
        pages.start();
        Path shot = dir.resolve("shot.png");
        long logStart = 0;
        try (ServeThread serve = new ServeThread("serve", sample.toString(), "--port", "0", "--access-log", log.toString())) {
            Matcher m = DATASET_URL.matcher(serve.awaitStarted());
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
        keep(img, "zarrita-page.png");
        int w = Math.min(SIZE, img.getWidth());
        int h = Math.min(SIZE, img.getHeight());
        assertThat(h).as("screenshot height").isGreaterThan(SIZE / 2);
        // the page draws level 0 one screen pixel per sample pixel from the top left; a shorter window cuts it
        double[][] inView = new double[h][];
        for (int y = 0; y < h; y++) {
            inView[y] = Arrays.copyOf(expected[y], w);
        }
        Match match = Match.of(img, new Rectangle(0, 0, w, h), inView, rgb -> ((rgb >> 16 & 0xff) + (rgb >> 8 & 0xff) + (rgb & 0xff)) / 3.0);
        System.out.println("ServeInBrowserTest (zarrita page): " + match);
        match.assertShowsTheSample(0.95);

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

    /** The first plane of level 0, windowed to 0..255 with the omero window, as both viewers map it. */
    private static double[][] expectedLevel0(Path sample) throws IOException {
        try (FileSystemStore store = FileSystemStore.open(sample); ExecutionContext ctx = ExecutionContext.create()) {
            var root = Json.parse(new String(store.read(Key.of("zarr.json")).orElseThrow().toArray(), StandardCharsets.UTF_8), "zarr.json");
            var window = root.path("attributes").path("ome").path("omero").path("channels").path(0).path("window");
            double lo = window.path("start").asDouble();
            double hi = window.path("end").asDouble();
            NdBuffer level0 = Zarr.openArray(store, Key.of("0"), ctx).read();
            double[][] out = new double[SIZE][SIZE];
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    double v = Short.toUnsignedInt(level0.getShort(0, y, x));
                    out[y][x] = Math.max(0, Math.min(255, (v - lo) * 255 / Math.max(1, hi - lo)));
                }
            }
            return out;
        }
    }

    /** The smallest box holding every pixel with some green (the channel's colour), or an empty box. */
    private static Rectangle drawnBox(BufferedImage img) {
        int x0 = img.getWidth();
        int y0 = img.getHeight();
        int x1 = -1;
        int y1 = -1;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) >> 8 & 0xff) > 0) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        return x1 < 0 ? new Rectangle() : new Rectangle(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
    }

    /** Keeps a screenshot under target/serve-in-browser/ for a person to look at (the temp dir goes away). */
    private static void keep(BufferedImage img, String name) throws IOException {
        Path out = Path.of("target", "serve-in-browser");
        Files.createDirectories(out);
        ImageIO.write(img, "png", out.resolve(name).toFile());
    }

    /**
     * How a region of a screenshot matches the sample: {@code correlation} with the expected image (each screen
     * pixel against the mean of the sample pixels under it), {@code coarseCorrelation} with the same image made
     * from 8 x 8 blocks (what level 3 alone would show), the mean drawn intensity where the sample's cells are
     * (expected > 128) and between them (expected < 16), and the mean of the colour channels that should be dark.
     */
    record Match(double correlation, double coarseCorrelation, double sd, double inCells, long cellPixels, double between,
                 double otherChannels) {
        static Match of(BufferedImage img, Rectangle region, double[][] expected, IntToDoubleFunction intensity) {
            int eh = expected.length;
            int ew = expected[0].length;
            double[][] coarse = new double[eh][ew];
            for (int by = 0; by < eh; by += 8) {
                for (int bx = 0; bx < ew; bx += 8) {
                    double sum = 0;
                    int n = 0;
                    for (int y = by; y < Math.min(eh, by + 8); y++) {
                        for (int x = bx; x < Math.min(ew, bx + 8); x++) {
                            sum += expected[y][x];
                            n++;
                        }
                    }
                    for (int y = by; y < Math.min(eh, by + 8); y++) {
                        for (int x = bx; x < Math.min(ew, bx + 8); x++) {
                            coarse[y][x] = sum / n;
                        }
                    }
                }
            }
            Correlation fine = new Correlation();
            Correlation blocky = new Correlation();
            double inCells = 0;
            long cellPixels = 0;
            double between = 0;
            long betweenPixels = 0;
            double other = 0;
            for (int y = 0; y < region.height; y++) {
                int fy0 = (int) ((long) y * eh / region.height);
                int fy1 = Math.max(fy0 + 1, (int) ((long) (y + 1) * eh / region.height));
                for (int x = 0; x < region.width; x++) {
                    int fx0 = (int) ((long) x * ew / region.width);
                    int fx1 = Math.max(fx0 + 1, (int) ((long) (x + 1) * ew / region.width));
                    double e = 0;
                    double c = 0;
                    for (int fy = fy0; fy < fy1; fy++) {
                        for (int fx = fx0; fx < fx1; fx++) {
                            e += expected[fy][fx];
                            c += coarse[fy][fx];
                        }
                    }
                    int n = (fy1 - fy0) * (fx1 - fx0);
                    e /= n;
                    c /= n;
                    int rgb = img.getRGB(region.x + x, region.y + y);
                    double g = intensity.applyAsDouble(rgb);
                    fine.add(g, e);
                    blocky.add(g, c);
                    other += ((rgb >> 16 & 0xff) + (rgb & 0xff)) / 2.0;
                    if (e > 128) {
                        inCells += g;
                        cellPixels++;
                    } else if (e < 16) {
                        between += g;
                        betweenPixels++;
                    }
                }
            }
            return new Match(fine.value(), blocky.value(), fine.sdA(), inCells / Math.max(1, cellPixels), cellPixels,
                    between / Math.max(1, betweenPixels), other / Math.max(1, (long) region.width * region.height));
        }

        void assertShowsTheSample(double minCorrelation) {
            assertThat(sd).as("the screenshot is not blank").isGreaterThan(5);
            assertThat(cellPixels).as("the sample has cells in view").isGreaterThan(100);
            assertThat(inCells).as("bright where the sample's cells are").isGreaterThan(100);
            assertThat(between).as("dark between cells").isLessThan(40);
            assertThat(correlation).as("the drawn image is the sample's first plane").isGreaterThan(minCorrelation);
            assertThat(correlation).as("finer than level 3 alone (correlation " + coarseCorrelation + " with 8 x 8 blocks)")
                    .isGreaterThan(coarseCorrelation + 0.005);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "correlation %.4f (with 8 x 8 blocks %.4f), sd %.1f, mean %.1f on %d cell pixels, %.1f between, other channels %.2f",
                    correlation, coarseCorrelation, sd, inCells, cellPixels, between, otherChannels);
        }
    }

    /** Pearson correlation of pairs (a, b), accumulated. */
    private static final class Correlation {
        private double n;
        private double sumA;
        private double sumB;
        private double sumAA;
        private double sumBB;
        private double sumAB;

        void add(double a, double b) {
            n++;
            sumA += a;
            sumB += b;
            sumAA += a * a;
            sumBB += b * b;
            sumAB += a * b;
        }

        double sdA() {
            return Math.sqrt(Math.max(0, sumAA / n - (sumA / n) * (sumA / n)));
        }

        double value() {
            double sdB = Math.sqrt(Math.max(0, sumBB / n - (sumB / n) * (sumB / n)));
            return (sumAB / n - (sumA / n) * (sumB / n)) / (sdA() * sdB);
        }
    }
}
