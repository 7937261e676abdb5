package dev.ngff.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.StoreException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Packs a finished Zarr v3 hierarchy on disk into a single-file OME-Zarr ({@code .ozx}, NGFF RFC-9): ZIP64
 * records for every entry, entries stored (the chunks are compressed already), every {@code zarr.json} first
 * in breadth-first order (the root's first), then the other objects in path order, in the entries and in the
 * central directory alike. The archive comment {@code {"ome": {"version": "..."}}} (NUL-terminated) marks the
 * recommended variant, so it is written only when every array is sharded, as RFC-9 asks. Entries carry a
 * fixed timestamp, so a hierarchy always packs to the same bytes. Memory stays at one copy buffer; the archive
 * is written beside the target and moved into place when complete.
 */
final class OzxPacker {
    private static final int BUFFER = 1 << 20;
    /** 1980-01-01 00:00 in MS-DOS format: entries get no wall-clock time. */
    private static final int DOS_DATE = (1 << 5) | 1;

    private OzxPacker() {
    }

    /** True when {@code location} asks for a single-file OME-Zarr. */
    static boolean isOzx(String location) {
        return location.toLowerCase(java.util.Locale.ROOT).endsWith(".ozx")
                && !location.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*");
    }

    /** The name an archive is written under before it is moved to {@code ozx}. */
    private static Path temporary(Path ozx) {
        return ozx.resolveSibling(ozx.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    }

    /**
     * Removes archives that a killed run left half-written beside {@code ozx} ({@code NAME.tmp-PID}), those of
     * processes on this machine that are no longer alive (a live one may be packing now).
     */
    static void removeTemporaryArchives(Path ozx) throws IOException {
        Path parent = ozx.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            return;
        }
        String prefix = ozx.getFileName() + ".tmp-";
        try (Stream<Path> s = Files.list(parent)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(prefix)
                    && p.getFileName().toString().substring(prefix.length()).matches("[0-9]{1,18}")).toList()) {
                long pid = Long.parseLong(p.getFileName().toString().substring(prefix.length()));
                if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                Files.deleteIfExists(p);
            }
        }
    }

    private record Entry(String name, Path file, long size, long crc, long offset) {
    }

    /**
     * Writes the hierarchy under {@code dir} to {@code ozx}.
     *
     * @return whether the RFC-9 archive comment was written (every array sharded)
     * @throws InvalidMetadataException the hierarchy is not Zarr v3 OME-Zarr (no root {@code zarr.json} with
     *                                  {@code attributes.ome.version})
     */
    static boolean pack(Path dir, Path ozx) throws IOException {
        Path rootMeta = dir.resolve("zarr.json");
        JsonNode root = Files.isRegularFile(rootMeta) ? dev.ngff.metadata.Json.parse(Files.readString(rootMeta),
                rootMeta.toString()) : null;
        String version = root == null ? "" : root.path("attributes").path("ome").path("version").asText("");
        if (version.isEmpty()) {
            throw new InvalidMetadataException(dir + ": .ozx holds Zarr v3 OME-Zarr (0.5 or newer); the root has no "
                    + "zarr.json with attributes.ome.version");
        }
        List<Path> metadata = new ArrayList<>();
        List<Path> data = new ArrayList<>();
        boolean allSharded = true;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                if (p.getFileName().toString().equals("zarr.json")) {
                    metadata.add(p);
                    JsonNode m = dev.ngff.metadata.Json.parse(Files.readString(p), p.toString());
                    if ("array".equals(m.path("node_type").asText())
                            && !"sharding_indexed".equals(m.path("codecs").path(0).path("name").asText())) {
                        allSharded = false;
                    }
                } else {
                    data.add(p);
                }
            }
        }
        // breadth-first: by depth, then by path; the root's zarr.json (depth 1) comes first
        metadata.sort(Comparator.<Path>comparingInt(p -> dir.relativize(p).getNameCount())
                .thenComparing(p -> name(dir, p)));
        data.sort(Comparator.comparing(p -> name(dir, p)));
        Path tmp = temporary(ozx);
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), BUFFER)) {
            long pos = 0;
            List<Entry> entries = new ArrayList<>();
            byte[] buf = new byte[BUFFER];
            for (List<Path> group : List.of(metadata, data)) {
                for (Path p : group) {
                    long size = Files.size(p);
                    CRC32 crc = new CRC32();
                    try (InputStream in = Files.newInputStream(p)) {
                        for (int n; (n = in.read(buf)) > 0; ) {
                            crc.update(buf, 0, n);
                        }
                    }
                    Entry e = new Entry(name(dir, p), p, size, crc.getValue(), pos);
                    byte[] header = localHeader(e);
                    out.write(header);
                    long copied = 0;
                    try (InputStream in = Files.newInputStream(p)) {
                        for (int n; (n = in.read(buf)) > 0; ) {
                            out.write(buf, 0, n);
                            copied += n;
                        }
                    }
                    if (copied != size) {
                        throw new StoreException(p + ": changed size while being packed into " + ozx);
                    }
                    pos += header.length + size;
                    entries.add(e);
                }
            }
            long cdStart = pos;
            for (Entry e : entries) {
                byte[] h = centralHeader(e);
                out.write(h);
                pos += h.length;
            }
            out.write(end(entries.size(), cdStart, pos - cdStart, pos,
                    allSharded ? "{\"ome\":{\"version\":\"" + version + "\"}}\u0000" : ""));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, ozx, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return allSharded;
    }

    private static String name(Path dir, Path p) {
        return dir.relativize(p).toString().replace(java.io.File.separatorChar, '/');
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] localHeader(Entry e) {
        byte[] name = e.name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = le(30 + name.length + 20);
        b.putInt(0x04034b50).putShort((short) 45).putShort((short) 0x0800).putShort((short) 0)
                .putShort((short) 0).putShort((short) DOS_DATE).putInt((int) e.crc)
                .putInt(0xffffffff).putInt(0xffffffff) // sizes in the ZIP64 extra field
                .putShort((short) name.length).putShort((short) 20).put(name);
        b.putShort((short) 0x0001).putShort((short) 16).putLong(e.size).putLong(e.size);
        return b.array();
    }

    private static byte[] centralHeader(Entry e) {
        byte[] name = e.name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = le(46 + name.length + 28);
        b.putInt(0x02014b50).putShort((short) 45).putShort((short) 45).putShort((short) 0x0800).putShort((short) 0)
                .putShort((short) 0).putShort((short) DOS_DATE).putInt((int) e.crc)
                .putInt(0xffffffff).putInt(0xffffffff)
                .putShort((short) name.length).putShort((short) 28).putShort((short) 0) // no entry comment
                .putShort((short) 0).putShort((short) 0).putInt(0).putInt(0xffffffff).put(name);
        b.putShort((short) 0x0001).putShort((short) 24).putLong(e.size).putLong(e.size).putLong(e.offset);
        return b.array();
    }

    /** The ZIP64 end record and locator, then the classic end record with the archive comment. */
    private static byte[] end(int count, long cdStart, long cdSize, long zip64At, String comment) {
        byte[] c = comment.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = le(56 + 20 + 22 + c.length);
        b.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                .putLong(count).putLong(count).putLong(cdSize).putLong(cdStart);
        b.putInt(0x07064b50).putInt(0).putLong(zip64At).putInt(1);
        b.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) 0xffff).putShort((short) 0xffff)
                .putInt(0xffffffff).putInt(0xffffffff).putShort((short) c.length).put(c);
        return b.array();
    }
}
