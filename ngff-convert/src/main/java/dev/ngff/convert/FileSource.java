package dev.ngff.convert;

import dev.ngff.buffer.Bytes;
import dev.ngff.raw.RawSource;
import dev.ngff.store.ByteRange;
import dev.ngff.store.Key;
import dev.ngff.store.ReadableStore;
import dev.ngff.tiff.TiffFile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A conversion source that is read directly, not as a Zarr store: a TIFF (OME-TIFF, BigTIFF, ImageJ), a raw
 * binary array or an N5 container (a directory). As a store it holds one object, {@code OME/METADATA.ome.xml} (the OME-XML of an OME-TIFF, which a
 * multi-image conversion copies beside its series list); every other key is missing. Closing it closes the file.
 */
public final class FileSource implements ReadableStore {
    public static final Key OME_XML = Key.of("OME/METADATA.ome.xml");

    private final Path path;
    private final TiffFile tiff;
    private final RawSource raw;
    private final boolean n5;

    private FileSource(Path path, TiffFile tiff, RawSource raw, boolean n5) {
        this.path = path;
        this.tiff = tiff;
        this.raw = raw;
        this.n5 = n5;
    }

    public static FileSource tiff(Path path) throws IOException {
        return new FileSource(path, TiffFile.open(path), null, false);
    }

    public static FileSource raw(Path path, RawSource raw) {
        return new FileSource(path, null, raw, false);
    }

    /** An N5 dataset or N5-viewer multiscale group at the directory {@code path}. */
    public static FileSource n5(Path path) {
        return new FileSource(path, null, null, true);
    }

    /** True when {@code location} names a local directory with N5 attributes and no Zarr metadata. */
    public static boolean isN5(String location) {
        Path p = localPath(location);
        return p != null && dev.ngff.n5.N5Images.looksLikeN5(p);
    }

    /** The N5 directory, or null for other sources. */
    public Path n5Directory() {
        return n5 ? path : null;
    }

    /** True when {@code location} names a local regular file that starts like a TIFF or BigTIFF. */
    public static boolean isTiff(String location) {
        Path p = localPath(location);
        if (p == null || !Files.isRegularFile(p)) {
            return false;
        }
        byte[] h = new byte[4];
        try (InputStream in = Files.newInputStream(p)) {
            if (in.readNBytes(h, 0, 4) < 4) {
                return false;
            }
        } catch (IOException e) {
            return false;
        }
        boolean le = h[0] == 'I' && h[1] == 'I' && (h[2] == 42 || h[2] == 43) && h[3] == 0;
        boolean be = h[0] == 'M' && h[1] == 'M' && h[2] == 0 && (h[3] == 42 || h[3] == 43);
        return le || be;
    }

    /** The local path {@code location} names (a plain path or a {@code file:} URI), or null for other schemes. */
    public static Path localPath(String location) {
        try {
            if (location.regionMatches(true, 0, "file:", 0, 5)) {
                return Path.of(java.net.URI.create(location));
            }
            if (location.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
                return null;
            }
            return Path.of(location);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The TIFF, or null for a raw source. */
    public TiffFile tiffFile() {
        return tiff;
    }

    /** The raw array, or null for a TIFF. */
    public RawSource rawSource() {
        return raw;
    }

    private String omeXml() {
        if (tiff == null || tiff.pages().isEmpty()) {
            return null;
        }
        String d = tiff.pages().getFirst().description();
        return d != null && d.contains("<OME") ? d : null;
    }

    @Override
    public Optional<Bytes> read(Key key, ByteRange range) throws IOException {
        String xml = key.equals(OME_XML) ? omeXml() : null;
        if (xml == null) {
            return Optional.empty();
        }
        byte[] all = xml.getBytes(StandardCharsets.UTF_8);
        long start = range.start(all.length);
        return Optional.of(Bytes.wrap(all).slice(start, range.end(all.length) - start));
    }

    @Override
    public String describe() {
        return path.toString();
    }

    @Override
    public void close() throws IOException {
        if (tiff != null) {
            tiff.close();
        }
        if (raw != null) {
            raw.close();
        }
    }
}
