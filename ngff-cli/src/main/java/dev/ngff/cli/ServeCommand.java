package dev.ngff.cli;

import dev.ngff.server.Dataset;
import dev.ngff.server.Htpasswd;
import dev.ngff.server.NgffServer;
import dev.ngff.server.ServerConfig;
import dev.ngff.store.Key;
import dev.ngff.store.ReadableStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/** {@code ngff serve}: serves datasets read-only over HTTP for viewers until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        header = "Serve Zarr / OME-Zarr datasets over HTTP to viewers (vizarr, neuroglancer, napari).",
        description = {"Serves each PATH-OR-URI (directory, .zip/.ozx file, s3:// prefix) read-only under "
                + "http://BIND:PORT/NAME/ with ranges, ETags, CORS and gzip of metadata, and prints the URL and viewer "
                + "links of each. What a store holds is read at request time, so a dataset being written is served as its "
                + "writer publishes it. Runs until interrupted (Ctrl-C).",
                "Binding beyond loopback needs --token or --htpasswd, or --public."})
public final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "<path-or-uri>",
            description = "Datasets to serve: directories, .zip/.ozx files or s3:// URIs.")
    List<String> locations;

    @Option(names = "--port", defaultValue = "8000", description = "TCP port (0 picks a free one; default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--cors", defaultValue = "*", paramLabel = "ORIGIN|*",
            description = "Access-Control-Allow-Origin of every response (default: ${DEFAULT-VALUE}).")
    String cors;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Require 'Authorization: Bearer TOKEN' on every request (NGFF_SERVE_TOKEN is read when absent).")
    String token;

    @Option(names = "--htpasswd", paramLabel = "FILE",
            description = "Require HTTP Basic credentials from this file (user:{SHA}... lines, as 'htpasswd -s' writes).")
    Path htpasswd;

    @Option(names = "--public", description = "Allow binding beyond loopback without --token or --htpasswd.")
    boolean allowPublic;

    @Option(names = "--cert", paramLabel = "PEM", description = "Serve HTTPS with this certificate chain (needs --key).")
    Path cert;

    @Option(names = "--key", paramLabel = "PEM", description = "The certificate's private key, PKCS#8 PEM, unencrypted.")
    Path key;

    @Option(names = "--max-connections", defaultValue = "1024",
            description = "Open connections from beyond loopback (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--rate-limit", defaultValue = "2000", paramLabel = "N",
            description = "Requests per second per client address beyond loopback; faster requests wait up to 2 s for"
                    + " their turn, more get 429. 0 for no limit (default: ${DEFAULT-VALUE}).")
    int rateLimit;

    @Option(names = "--limit-loopback",
            description = "Apply --max-connections and --rate-limit to clients on loopback too (they are exempt by default).")
    boolean limitLoopback;

    @Option(names = "--chunk-max-age", defaultValue = "300", paramLabel = "SECONDS",
            description = "Cache-Control max-age of chunks and shards; metadata is always revalidated (default: ${DEFAULT-VALUE}).")
    int chunkMaxAge;

    @Option(names = "--access-log", paramLabel = "FILE|-",
            description = "Append one line per request to FILE ('-' for standard error); none by default.")
    String accessLog;

    @Override
    public Integer call() throws Exception {
        // Netty's leak detector records a stack trace for one buffer in 128: about 1% of a busy server's time.
        // This process is the server, so it is off unless the user asks for it (-Dio.netty.leakDetection.level).
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            System.setProperty("io.netty.leakDetection.level", "disabled");
        }
        CommandLine cmd = spec.commandLine();
        PrintWriter out = cmd.getOut();
        if ((cert == null) != (key == null)) {
            throw new CommandLine.ParameterException(cmd, "--cert and --key go together");
        }
        String bearer = token != null ? token : System.getenv("NGFF_SERVE_TOKEN");
        ServerConfig.Builder b = ServerConfig.builder().port(port).corsOrigin(cors).allowPublic(allowPublic)
                .maxConnections(maxConnections).requestsPerSecondPerClient(rateLimit).limitLoopback(limitLoopback)
                .chunkMaxAgeSeconds(chunkMaxAge)
                .bearerToken(bearer);
        try {
            b.bind(InetAddress.getByName(bind));
        } catch (UnknownHostException e) {
            throw new CommandLine.ParameterException(cmd, "--bind " + bind + ": unknown address");
        }
        if (htpasswd != null) {
            try {
                b.htpasswd(Htpasswd.read(htpasswd));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cmd, "--htpasswd " + e.getMessage());
            }
        }
        if (cert != null) {
            b.tls(new ServerConfig.Tls(cert, key));
        }
        Writer logFile = null;
        if (accessLog != null) {
            logFile = accessLog.equals("-") ? cmd.getErr() : Files.newBufferedWriter(Path.of(accessLog), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Writer w = logFile;
            b.accessLog(logLine(w));
        }
        List<ReadableStore> stores = new ArrayList<>();
        try {
            List<Dataset> datasets = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (String location : locations) {
                ReadableStore store = Locations.openReadable(cmd, location);
                stores.add(store);
                String name = Dataset.nameFor(location.replaceFirst("\\?.*$", ""));
                String unique = name;
                for (int i = 2; !names.add(unique); i++) {
                    unique = name + "-" + i;
                }
                datasets.add(new Dataset(unique, store));
            }
            ServerConfig config;
            NgffServer server;
            try {
                config = b.build();
                server = NgffServer.start(config, datasets);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cmd, e.getMessage());
            }
            try (server) {
                for (Dataset d : datasets) {
                    URI url = server.uri(d);
                    int format = zarrFormat(d.store());
                    out.println(d.name() + "  " + url + "  (" + d.store().describe() + (format > 0 ? ", zarr v" + format : ", no Zarr metadata at its root")
                            + ")");
                    out.println("  vizarr:       https://hms-dbmi.github.io/vizarr/?source=" + url);
                    if (format > 0) {
                        String source = "zarr" + format + "://" + url;
                        out.println("  neuroglancer: " + source);
                        out.println("                https://neuroglancer-demo.appspot.com/#!" + URLEncoder.encode(
                                "{\"layers\":[{\"type\":\"image\",\"source\":\"" + source + "\",\"name\":\"" + d.name() + "\"}]}",
                                StandardCharsets.UTF_8).replace("+", "%20"));
                    }
                }
                out.println("serving " + datasets.size() + " dataset" + (datasets.size() == 1 ? "" : "s") + " on "
                        + config.bind().getHostAddress() + ":" + server.port() + " (" + server.transport()
                        + (config.requiresAuth() ? ", authentication required" : "") + "); Ctrl-C stops");
                out.flush();
                Thread hook = new Thread(server::close, "ngff-serve-stop");
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    server.awaitClose();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // stopped by the embedding program (tests)
                } finally {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException shuttingDown) {
                        // the hook is running
                    }
                }
            }
            return 0;
        } finally {
            for (ReadableStore s : stores) {
                s.close();
            }
            if (logFile != null && !accessLog.equals("-")) {
                logFile.close();
            }
        }
    }

    private static Consumer<String> logLine(Writer w) {
        return line -> {
            synchronized (w) {
                try {
                    w.write(line);
                    w.write('\n');
                    w.flush();
                } catch (IOException e) {
                    // a full disk must not stop the server; the next line tries again
                }
            }
        };
    }

    /** 3 for zarr.json at the root, 2 for .zgroup/.zarray, 0 for neither. */
    private static int zarrFormat(ReadableStore store) throws IOException {
        if (store.exists(Key.of("zarr.json"))) {
            return 3;
        }
        return store.exists(Key.of(".zgroup")) || store.exists(Key.of(".zarray")) ? 2 : 0;
    }
}
