package dev.ngff.s3;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A fault-injecting HTTP/1.1 proxy between an S3 client and a real S3 server, on 127.0.0.1. Each
 * request is read whole (answering {@code Expect: 100-continue} itself), sent upstream on a fresh
 * connection, and the answer passed back, unless the {@link #policy} says otherwise: drop the
 * connection without an answer, reset it, answer {@code 503 SlowDown} or {@code 500 InternalError},
 * pass the answer's head and only part of its body and then close, flip one byte of the body, or let
 * the server carry out the request and then reset the connection without its answer (LOSE_ANSWER). Every answer closes the client's
 * connection, so each request starts clean.
 */
final class FaultProxy implements Closeable {

    /** What to do with one request. */
    enum Fault { NONE, DROP, RESET, SLOW_DOWN, INTERNAL_ERROR, TRUNCATE, CORRUPT, LOSE_ANSWER }

    /** A request as the proxy saw it: method, path and query, Range header ("" if none), 1-based sequence number. */
    record Request(String method, String target, String range, int sequence) {
    }

    private final ServerSocket server;
    private final URI upstream;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger sequence = new AtomicInteger();
    private final List<Request> seen = new ArrayList<>();
    private final List<Fault> injected = new ArrayList<>();
    private volatile Function<Request, Fault> policy = r -> Fault.NONE;

    FaultProxy(URI upstream) throws IOException {
        this.upstream = upstream;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        threads.submit(this::acceptLoop);
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    void policy(Function<Request, Fault> p) {
        this.policy = p;
    }

    /** Faults injected so far (not counting NONE). */
    synchronized List<Fault> injected() {
        return List.copyOf(injected);
    }

    synchronized List<Request> seen() {
        return List.copyOf(seen);
    }

    private Void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                threads.submit(() -> serve(client));
            } catch (IOException e) {
                return null;
            }
        }
        return null;
    }

    private Void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            String head = readHead(in);
            if (head == null) {
                return null;
            }
            String[] lines = head.split("\r\n");
            String[] start = lines[0].split(" ");
            String range = "";
            for (String l : lines) {
                if (l.regionMatches(true, 0, "range:", 0, 6)) {
                    range = l.substring(6).trim();
                }
            }
            Request req = new Request(start[0], start[1], range, sequence.incrementAndGet());
            Fault fault = policy.apply(req);
            synchronized (this) {
                seen.add(req);
                if (fault != Fault.NONE) {
                    injected.add(fault);
                }
            }
            long contentLength = -1;
            boolean chunked = false;
            boolean expectContinue = false;
            StringBuilder forwarded = new StringBuilder(lines[0]).append("\r\n");
            for (int i = 1; i < lines.length; i++) {
                String l = lines[i];
                String lower = l.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    contentLength = Long.parseLong(l.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("expect:")) {
                    expectContinue = lower.contains("100-continue");
                    continue;
                } else if (lower.startsWith("connection:")) {
                    continue;
                }
                forwarded.append(l).append("\r\n");
            }
            forwarded.append("Connection: close\r\n\r\n");
            if (expectContinue) {
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            byte[] body = chunked ? readChunked(in) : in.readNBytes((int) Math.max(0, contentLength));
            switch (fault) {
                case DROP -> {
                    return null;
                }
                case RESET -> {
                    client.setSoLinger(true, 0);
                    return null;
                }
                case SLOW_DOWN -> {
                    error(out, req, 503, "Slow Down", "SlowDown", "Please reduce your request rate.");
                    return null;
                }
                case INTERNAL_ERROR -> {
                    error(out, req, 500, "Internal Server Error", "InternalError", "We encountered an internal error. Please try again.");
                    return null;
                }
                default -> {
                }
            }
            byte[] answer;
            try (Socket up = new Socket(upstream.getHost(), upstream.getPort())) {
                OutputStream uo = up.getOutputStream();
                uo.write(forwarded.toString().getBytes(StandardCharsets.ISO_8859_1));
                if (chunked) {
                    // re-frame as chunked so the upstream sees the same encoding
                    uo.write((Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    uo.write(body);
                    uo.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } else {
                    uo.write(body);
                }
                uo.flush();
                answer = up.getInputStream().readAllBytes();
            }
            if (fault == Fault.LOSE_ANSWER) {
                client.setSoLinger(true, 0); // the server did it; the client never hears
                return null;
            }
            int split = indexOf(answer, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answerHead = new String(answer, 0, split, StandardCharsets.ISO_8859_1);
            StringBuilder h = new StringBuilder();
            for (String l : answerHead.split("\r\n")) {
                if (!l.toLowerCase(Locale.ROOT).startsWith("connection:")) {
                    h.append(l).append("\r\n");
                }
            }
            h.append("Connection: close\r\n\r\n");
            out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
            int bodyStart = split + 4;
            int bodyLength = answer.length - bodyStart;
            if (fault == Fault.TRUNCATE && bodyLength > 1) {
                out.write(answer, bodyStart, bodyLength / 2);
                out.flush();
                client.setSoLinger(true, 0); // then the connection breaks
                return null;
            }
            if (fault == Fault.CORRUPT && bodyLength > 0) {
                answer[bodyStart + bodyLength / 2] ^= 0x5A; // same length, one byte wrong
            }
            out.write(answer, bodyStart, bodyLength);
            out.flush();
        } catch (IOException e) {
            // the client went away; nothing to do
        }
        return null;
    }

    private static void error(OutputStream out, Request req, int status, String reason, String code, String message) throws IOException {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + message
                + "</Message><RequestId>fault-" + req.sequence() + "</RequestId></Error>";
        byte[] body = req.method().equals("HEAD") ? new byte[0] : xml.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: application/xml\r\nContent-Length: "
                + (req.method().equals("HEAD") ? 0 : body.length) + "\r\nx-amz-request-id: fault-" + req.sequence()
                + "\r\nConnection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            state = switch (state) {
                case 0, 2 -> c == '\r' ? state + 1 : 0;
                case 1 -> c == '\n' ? 2 : c == '\r' ? 1 : 0;
                case 3 -> c == '\n' ? 4 : c == '\r' ? 1 : 0;
                default -> 0;
            };
            if (state == 4) {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.substring(0, s.length() - 4);
            }
        }
        return null;
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            int semi = sizeLine.indexOf(';');
            int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
            if (size == 0) {
                while (!readLine(in).isEmpty()) {
                    // trailers
                }
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    private static int indexOf(byte[] a, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= a.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (a[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("no end of head in the upstream answer");
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
