package dev.ngff.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP/1.1 server on 127.0.0.1 (an ephemeral port) serving the files of a directory below
 * {@code /data/}, with {@code Range} support (single ranges {@code a-b}, {@code a-}, {@code -n}, with
 * 206, {@code Content-Range} and 416) unless told to ignore {@code Range} and answer 200 with the whole
 * file. One request per connection ({@code Connection: close}). Tests can replace the handling of
 * single paths and read a log of the requests received.
 *
 * <p>Written on {@link ServerSocket} rather than {@code com.sun.net.httpserver} because the test
 * sources compile into the {@code dev.ngff.core} module, which does not read {@code jdk.httpserver}.
 */
final class RangeFileServer implements AutoCloseable {

    /** A received request: method, path below the context (decoded), headers by lower-case name. */
    record Request(String method, String path, Map<String, String> headers) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** A response to send; HEAD requests get its headers and length, not its body. */
    record Response(int status, Map<String, String> headers, byte[] body) {
        static Response of(int status, byte[] body) {
            return new Response(status, Map.of(), body == null ? new byte[0] : body);
        }

        Response with(String name, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(name, value);
            return new Response(status, h, body);
        }
    }

    /** Answers one request. */
    @FunctionalInterface
    interface Handler {
        Response handle(Request request) throws Exception;
    }

    private static final String CONTEXT = "/data/";

    private final ServerSocket socket;
    private final Path root;
    private final boolean honourRange;
    private final boolean allowHead;
    private final Map<String, Handler> overrides = new ConcurrentHashMap<>();
    private final List<String> log = new CopyOnWriteArrayList<>();

    private RangeFileServer(Path root, boolean honourRange, boolean allowHead) throws IOException {
        this.root = root;
        this.honourRange = honourRange;
        this.allowHead = allowHead;
        this.socket = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("range-file-server").start(this::acceptLoop);
    }

    /** Serves {@code root} under {@code /data/}. */
    static RangeFileServer start(Path root, boolean honourRange, boolean allowHead) throws IOException {
        return new RangeFileServer(root, honourRange, allowHead);
    }

    /** The base URL, without a trailing slash. */
    URI base() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort() + CONTEXT.substring(0, CONTEXT.length() - 1));
    }

    /** Answers requests for one path (below the context, decoded) with {@code handler}. */
    void override(String path, Handler handler) {
        overrides.put(path, handler);
    }

    /** "METHOD path range" of every request so far ("-" for no range). */
    List<String> log() {
        return List.copyOf(log);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a listening socket on the loopback interface does not fail in practice
        }
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                Thread.ofVirtual().start(() -> serve(connection));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket connection) {
        try (connection; InputStream in = connection.getInputStream(); OutputStream out = connection.getOutputStream()) {
            Request request = readRequest(in);
            log.add(request.method() + " " + request.path() + " " + (request.header("Range") == null ? "-" : request.header("Range")));
            Handler override = overrides.get(request.path());
            Response response = override != null ? override.handle(request) : serveFile(request);
            write(out, request, response);
        } catch (Exception e) {
            // the client went away (a timeout, an early close): nothing to answer
        }
    }

    private static Request readRequest(InputStream in) throws IOException {
        String[] lines = readHead(in).split("\r\n");
        String[] requestLine = lines[0].split(" ");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        String path = URI.create(requestLine[1]).getPath();
        return new Request(requestLine[0], path.startsWith(CONTEXT) ? path.substring(CONTEXT.length()) : "/" + path, headers);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0 || head.size() > 64 * 1024) {
                throw new IOException("incomplete request head");
            }
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static void write(OutputStream out, Request request, Response response) throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(response.status()).append(" X\r\n");
        response.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("Content-Length: ").append(response.body().length).append("\r\n");
        head.append("Connection: close\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!request.method().equals("HEAD")) {
            out.write(response.body());
        }
        out.flush();
    }

    private Response serveFile(Request request) throws IOException {
        if (request.method().equals("HEAD") && !allowHead) {
            return Response.of(405, null);
        }
        Path file = root.resolve(request.path());
        if (request.path().isEmpty() || !Files.isRegularFile(file)) {
            return Response.of(404, null);
        }
        byte[] data = Files.readAllBytes(file);
        String range = request.header("Range");
        if (range == null || !honourRange) {
            return Response.of(200, data);
        }
        long[] span = parse(range, data.length);
        if (span == null) {
            return Response.of(416, null).with("Content-Range", "bytes */" + data.length);
        }
        return Response.of(206, Arrays.copyOfRange(data, (int) span[0], (int) span[1] + 1))
                .with("Content-Range", "bytes " + span[0] + "-" + span[1] + "/" + data.length);
    }

    /** {first, last} (inclusive) of a single byte range, or null if unsatisfiable. */
    private static long[] parse(String header, long length) {
        String spec = header.substring("bytes=".length()).trim();
        int dash = spec.indexOf('-');
        String a = spec.substring(0, dash);
        String b = spec.substring(dash + 1);
        if (a.isEmpty()) {
            long n = Long.parseLong(b);
            return n == 0 || length == 0 ? null : new long[] {Math.max(0, length - n), length - 1};
        }
        long first = Long.parseLong(a);
        long last = b.isEmpty() ? length - 1 : Math.min(Long.parseLong(b), length - 1);
        return first >= length || last < first ? null : new long[] {first, last};
    }
}
