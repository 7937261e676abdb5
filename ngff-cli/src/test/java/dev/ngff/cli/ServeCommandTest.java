package dev.ngff.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class ServeCommandTest {
    @TempDir
    Path dir;

    @Test
    void servesSampleAndPrintsViewerLinks() throws Exception {
        Path sample = dir.resolve("cells.ome.zarr");
        assertThat(Cli.run("sample", sample, "--shape", "4,64,64", "--chunks", "4,32,32", "--levels", "2").code()).isZero();
        Path log = dir.resolve("access.log");
        String text;
        try (ServeThread r = new ServeThread("serve", sample.toString(), "--port", "0", "--access-log", log.toString())) {
            text = r.awaitStarted();
            Matcher m = Pattern.compile("cells\\.ome\\.zarr  (http://127\\.0\\.0\\.1:\\d+/cells\\.ome\\.zarr/)").matcher(text);
            assertThat(m.find()).as(text).isTrue();
            String url = m.group(1);
            assertThat(text).contains("vizarr:       https://hms-dbmi.github.io/vizarr/?source=" + url,
                    "neuroglancer: zarr3://" + url, "zarr v3");
            HttpResponse<String> root = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "zarr.json")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(root.statusCode()).isEqualTo(200);
            assertThat(root.body()).contains("\"multiscales\"");
            assertThat(root.headers().firstValue("access-control-allow-origin")).hasValue("*");
        }
        assertThat(Files.readString(log)).contains("\"GET /cells.ome.zarr/zarr.json HTTP/1.1\" 200 ");
    }

    @Test
    void refusesToServeTheNetworkWithoutAuthAndNamesTheFix() throws Exception {
        Path sample = dir.resolve("s.zarr");
        Files.createDirectories(sample);
        Cli.Result r = Cli.run("serve", sample, "--bind", "0.0.0.0", "--port", "0");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("ngff serve: binding to 0.0.0.0 (beyond loopback) needs --token or --htpasswd, or --public");
        Cli.Result half = Cli.run("serve", sample, "--cert", "c.pem", "--port", "0");
        assertThat(half.code()).isEqualTo(2);
        assertThat(half.err()).contains("--cert and --key go together");
    }
}
