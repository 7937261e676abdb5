package dev.ngff.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.metadata.Json;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One headless chromium session driven through Debian's chromedriver (the W3C WebDriver protocol over HTTP on
 * loopback). Unlike {@code chromium --screenshot}, pages run in real time until the test takes its
 * screenshot: deck.gl viewers such as vizarr draw nothing under {@code --virtual-time-budget}. Not thread-safe;
 * {@link #close()} ends the session and the chromedriver process this object started.
 */
final class ChromeDriver implements AutoCloseable {
    private final Process driver;
    private final Path driverLog;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;
    private String session;

    private ChromeDriver(Process driver, Path driverLog, URI base) {
        this.driver = driver;
        this.driverLog = driverLog;
        this.base = base;
    }

    /** The chromedriver on the PATH or in {@code NGFF_CHROMEDRIVER}, or null when there is none. */
    static String executable() {
        String explicit = System.getenv("NGFF_CHROMEDRIVER");
        return explicit != null ? explicit : ServeInBrowserTest.onPath("chromedriver");
    }

    /**
     * Starts chromedriver and a headless chromium whose page area is {@code width} x {@code height} CSS pixels
     * at one device pixel each, with its profile under {@code workDir}.
     */
    static ChromeDriver start(String driverPath, String chromiumPath, Path workDir, int width, int height) throws IOException, InterruptedException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path log = workDir.resolve("chromedriver.log");
        Process p = new ProcessBuilder(driverPath, "--port=" + port, "--allowed-ips=127.0.0.1")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ChromeDriver d = new ChromeDriver(p, log, URI.create("http://127.0.0.1:" + port + "/"));
        try {
            d.awaitReady();
            ObjectNode options = Json.object();
            options.put("binary", chromiumPath);
            var args = options.putArray("args");
            for (String a : List.of("--headless", "--no-sandbox", "--hide-scrollbars", "--no-first-run", "--use-angle=swiftshader",
                    "--enable-unsafe-swiftshader", "--window-size=" + width + "," + height, "--user-data-dir=" + workDir.resolve("profile"))) {
                args.add(a);
            }
            ObjectNode body = Json.object();
            body.putObject("capabilities").putObject("alwaysMatch").set("goog:chromeOptions", options);
            d.session = d.call("POST", "session", body).path("sessionId").asText();
            // the window size includes the browser's own frame in new headless mode: fix the page area itself
            ObjectNode metrics = Json.object();
            metrics.put("cmd", "Emulation.setDeviceMetricsOverride");
            metrics.putObject("params").put("width", width).put("height", height).put("deviceScaleFactor", 1).put("mobile", false);
            d.call("POST", "session/" + d.session + "/goog/cdp/execute", metrics);
            return d;
        } catch (IOException | RuntimeException | InterruptedException e) {
            d.close();
            throw e;
        }
    }

    /** Opens {@code url} and returns once its load event has fired. */
    void open(String url) throws IOException, InterruptedException {
        ObjectNode body = Json.object();
        body.put("url", url);
        call("POST", "session/" + session + "/url", body);
    }

    /** The page as a PNG, as drawn now. */
    byte[] screenshot() throws IOException, InterruptedException {
        return Base64.getDecoder().decode(call("GET", "session/" + session + "/screenshot", null).asText());
    }

    /** The value of a script run in the page ({@code return ...;}). */
    JsonNode script(String js) throws IOException, InterruptedException {
        ObjectNode body = Json.object();
        body.put("script", js);
        body.putArray("args");
        return call("POST", "session/" + session + "/execute/sync", body);
    }

    /** What chromedriver printed so far, for failure messages. */
    String log() {
        try {
            return Files.readString(driverLog);
        } catch (IOException e) {
            return "(no chromedriver log: " + e.getMessage() + ")";
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                if (call("GET", "status", null).path("ready").asBoolean()) {
                    return;
                }
            } catch (IOException e) {
                if (System.nanoTime() > deadline || !driver.isAlive()) {
                    throw new IOException("chromedriver did not start: " + log(), e);
                }
            }
            Thread.sleep(100);
        }
    }

    /** One WebDriver command; returns its "value", or throws with the driver's error message. */
    private JsonNode call(String method, String path, JsonNode body) throws IOException, InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json; charset=utf-8");
        req.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(Json.write(body).toArray()));
        HttpResponse<String> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        JsonNode value = Json.parse(resp.body(), "chromedriver " + method + " /" + path).path("value");
        if (resp.statusCode() != 200) {
            throw new IOException("chromedriver " + method + " /" + path + " answered " + resp.statusCode() + ": "
                    + value.path("error").asText() + ": " + value.path("message").asText());
        }
        return value;
    }

    @Override
    public void close() throws InterruptedException {
        try {
            if (session != null) {
                call("DELETE", "session/" + session, null);
            }
        } catch (IOException e) {
            System.err.println("ChromeDriver: ending the session failed: " + e.getMessage());
        } finally {
            driver.destroy();
            if (!driver.waitFor(10, TimeUnit.SECONDS)) {
                driver.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
