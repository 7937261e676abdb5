package dev.ngff.tiff;

import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.ome.Axis;
import dev.ngff.metadata.ome.Omero;
import dev.ngff.pyramid.LevelSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The images of a TIFF file with OME-NGFF metadata: from OME-XML (one image per {@code Image}, dimension
 * order, sizes, physical sizes and units, time increment, channel names and colours), from an ImageJ
 * hyperstack header (channels, slices, frames, spacing, unit, frame interval, resolution), or, for a plain
 * TIFF, a stack of its pages. Axes come in OME-NGFF order: {@code t}, {@code c}, {@code z}, {@code y},
 * {@code x} (OME-TIFF keeps all five, as bioformats2raw writes; ImageJ and plain files only those present).
 * Each image is a {@link FileImage}.
 */
public final class TiffImages {
    private TiffImages() {
    }

    /**
     * The images of {@code file}.
     *
     * @throws InvalidMetadataException      malformed OME-XML, or OME-XML whose planes the file does not hold
     * @throws UnsupportedExtensionException a layout this reader does not map (planes in other files)
     */
    public static List<FileImage> of(TiffFile file) throws IOException {
        List<TiffPage> pages = file.pages();
        if (pages.isEmpty()) {
            throw new InvalidMetadataException(file.describe() + ": holds no images");
        }
        String desc = pages.getFirst().description();
        if (desc != null && desc.stripLeading().startsWith("<") && desc.contains("<OME")) {
            return ome(file, desc);
        }
        if (desc != null && desc.startsWith("ImageJ=")) {
            return List.of(imagej(file, desc));
        }
        return List.of(plain(file));
    }

    private static List<TiffPage> mainPages(TiffFile file) {
        List<TiffPage> out = new ArrayList<>();
        for (TiffPage p : file.pages()) {
            if (!p.isReduced()) {
                out.add(p);
            }
        }
        return out;
    }

    /** A plain TIFF: its full-resolution pages as a z stack (samples as channels). */
    private static FileImage plain(TiffFile file) throws IOException {
        List<TiffPage> pages = mainPages(file);
        TiffPage first = pages.getFirst();
        List<Axis> axes = new ArrayList<>();
        boolean channels = first.samplesPerPixel() > 1;
        if (channels) {
            axes.add(axis("c", "channel", null));
        }
        if (pages.size() > 1) {
            axes.add(axis("z", "space", null));
        }
        axes.add(axis("y", "space", null));
        axes.add(axis("x", "space", null));
        long[] ps = pages.size() > 1 ? new long[] {pages.size()} : new long[0];
        double[] scale = new double[axes.size()];
        java.util.Arrays.fill(scale, 1);
        List<LevelSource> levels = levels(pages, ps, channels ? 0 : -1);
        if (pages.size() == 1 && levels.size() == 1) {
            levels.addAll(pagePyramid(file, first, channels ? 0 : -1));
        }
        return new FileImage(null, axes, scale, levels, null);
    }

    /**
     * A page pyramid: the reduced-resolution pages (NewSubfileType 1) of a single-image file that have the main
     * page's samples, type and aspect ratio (slide scanners also store a label and a macro image, which do not),
     * largest first.
     */
    private static List<LevelSource> pagePyramid(TiffFile file, TiffPage main, int sampleAxis) throws IOException {
        List<TiffPage> reduced = new ArrayList<>();
        for (TiffPage p : file.pages()) {
            if (p.isReduced() && p.samplesPerPixel() == main.samplesPerPixel() && p.width() < main.width()
                    && p.bitsPerSample() == main.bitsPerSample() && p.dataType().equals(main.dataType())
                    && sameAspect(main, p)) {
                reduced.add(p);
            }
        }
        reduced.sort(java.util.Comparator.comparingInt(TiffPage::width).reversed());
        for (int i = 1; i < reduced.size(); i++) {
            if (reduced.get(i).width() == reduced.get(i - 1).width()) {
                return List.of(); // two candidates for one level: not a pyramid this reader can tell apart
            }
        }
        List<LevelSource> out = new ArrayList<>();
        for (TiffPage p : reduced) {
            out.add(TiffSource.of(List.of(p), new long[0], sampleAxis));
        }
        return out;
    }

    /** Level 0 and one level per SubIFD that every page has. */
    private static List<LevelSource> levels(List<TiffPage> pages, long[] pageShape, int sampleAxis) throws IOException {
        List<LevelSource> out = new ArrayList<>();
        out.add(TiffSource.of(pages, pageShape, sampleAxis));
        int n = pages.stream().mapToInt(p -> p.subIfds().size()).min().orElse(0);
        for (int k = 0; k < n; k++) {
            List<TiffPage> level = new ArrayList<>();
            for (TiffPage p : pages) {
                level.add(p.subIfds().get(k));
            }
            out.add(TiffSource.of(level, pageShape, sampleAxis));
        }
        return out;
    }

    private static Axis axis(String name, String type, String unit) {
        return new Axis(name, type, unit, null, null);
    }

    /** True when a reduced page has the main page's aspect ratio, up to rounding of its size (and 2 %). */
    private static boolean sameAspect(TiffPage main, TiffPage p) {
        long wH = (long) p.width() * main.height();
        long hW = (long) p.height() * main.width();
        return Math.abs(wH - hW) <= main.width() + main.height() + 0.02 * wH;
    }

    // ---- ImageJ

    private static FileImage imagej(TiffFile file, String desc) throws IOException {
        Map<String, String> kv = new HashMap<>();
        for (String line : desc.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                kv.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        List<TiffPage> pages = mainPages(file);
        TiffPage first = pages.getFirst();
        int spp = first.samplesPerPixel();
        long c = spp > 1 ? 1 : positive(kv, "channels", file);
        long z = positive(kv, "slices", file);
        long t = positive(kv, "frames", file);
        if (c * z * t != pages.size()) {
            if (pages.size() == 1 && c * z * t > 1) {
                throw new UnsupportedExtensionException(file.describe() + ": an ImageJ file of " + c * z * t
                        + " planes with one IFD (ImageJ's contiguous layout beyond 4 GiB) is not supported");
            }
            throw new InvalidMetadataException(file.describe() + ": ImageJ header says channels=" + c + ", slices=" + z
                    + ", frames=" + t + " but the file has " + pages.size() + " pages");
        }
        String unit = unit(kv.getOrDefault("unit", null));
        double px = first.xResolution() > 0 ? 1 / first.xResolution() : 1;
        double py = first.yResolution() > 0 ? 1 / first.yResolution() : 1;
        double pz = kv.containsKey("spacing") ? number(kv.get("spacing"), 1) : 1;
        double pt = kv.containsKey("finterval") ? number(kv.get("finterval"), 1) : 1;
        String tunit = kv.containsKey("finterval") ? "second" : null;
        List<Axis> axes = new ArrayList<>();
        List<Double> scale = new ArrayList<>();
        List<Long> pageShape = new ArrayList<>();
        int sampleAxis = -1;
        // ImageJ's page order is c fastest, then z, then t: exactly C order over (t, c, z) after swapping c and z
        // would be needed, so when both c and z are present the pages are reordered below
        if (t > 1) {
            axes.add(axis("t", "time", tunit));
            scale.add(pt);
            pageShape.add(t);
        }
        if (spp > 1) {
            sampleAxis = axes.size();
            axes.add(axis("c", "channel", null));
            scale.add(1.0);
        } else if (c > 1) {
            axes.add(axis("c", "channel", null));
            scale.add(1.0);
            pageShape.add(c);
        }
        if (z > 1) {
            axes.add(axis("z", "space", unit));
            scale.add(pz);
            pageShape.add(z);
        }
        axes.add(axis("y", "space", unit));
        scale.add(py);
        axes.add(axis("x", "space", unit));
        scale.add(px);
        List<TiffPage> ordered = new ArrayList<>(pages.size());
        for (long ti = 0; ti < t; ti++) {
            for (long ci = 0; ci < c; ci++) {
                for (long zi = 0; zi < z; zi++) {
                    ordered.add(pages.get((int) (ci + c * (zi + z * ti))));
                }
            }
        }
        long[] ps = pageShape.stream().mapToLong(Long::longValue).toArray();
        return new FileImage(null, axes, scale.stream().mapToDouble(Double::doubleValue).toArray(),
                levels(ordered, ps, sampleAxis), null);
    }

    private static long positive(Map<String, String> kv, String key, TiffFile file) throws InvalidMetadataException {
        String v = kv.get(key);
        if (v == null) {
            return 1;
        }
        try {
            long n = Long.parseLong(v);
            if (n >= 1 && n <= TiffFile.MAX_IFDS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidMetadataException(file.describe() + ": ImageJ header " + key + "=" + v
                + " is not a count of planes");
    }

    private static double number(String s, double dflt) {
        try {
            double v = Double.parseDouble(s);
            return v > 0 && Double.isFinite(v) ? v : dflt;
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    static String unit(String u) {
        return FileImage.unit(u);
    }

    // ---- OME-XML

    private static List<FileImage> ome(TiffFile file, String xml) throws IOException {
        Document doc;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            doc = b.parse(new InputSource(new StringReader(xml)));
        } catch (org.xml.sax.SAXException | javax.xml.parsers.ParserConfigurationException e) {
            throw new InvalidMetadataException(file.describe() + ": OME-XML in ImageDescription does not parse: "
                    + e.getMessage().replace('\n', ' '), e);
        }
        List<TiffPage> pages = mainPages(file);
        NodeList images = doc.getElementsByTagNameNS("*", "Image");
        List<FileImage> out = new ArrayList<>();
        int nextIfd = 0;
        for (int i = 0; i < images.getLength(); i++) {
            Element img = (Element) images.item(i);
            String where = file.describe() + ": OME-XML Image " + i;
            Element px = child(img, "Pixels");
            if (px == null) {
                throw new InvalidMetadataException(where + " has no Pixels");
            }
            String order = px.getAttribute("DimensionOrder");
            if (!order.matches("XY[ZCT]{3}") || order.chars().distinct().count() != 5) {
                throw new InvalidMetadataException(where + ": DimensionOrder '" + order + "' is not XY followed by Z, C, T");
            }
            long sx = size(px, "SizeX", where);
            long sy = size(px, "SizeY", where);
            long sz = size(px, "SizeZ", where);
            long sc = size(px, "SizeC", where);
            long st = size(px, "SizeT", where);
            List<Element> channels = children(px, "Channel");
            int ifd = nextIfd;
            List<Element> tiffData = children(px, "TiffData");
            for (Element td : tiffData) {
                if (!children(td, "UUID").isEmpty() && children(td, "UUID").getFirst().hasAttribute("FileName")) {
                    String fn = children(td, "UUID").getFirst().getAttribute("FileName");
                    if (!fn.isEmpty() && !java.nio.file.Path.of(fn).getFileName().toString()
                            .equals(file.path().getFileName().toString())) {
                        throw new UnsupportedExtensionException(where + ": planes in another file (" + fn
                                + ") are not supported; convert a single-file OME-TIFF");
                    }
                }
            }
            if (!tiffData.isEmpty() && tiffData.getFirst().hasAttribute("IFD")) {
                ifd = (int) Math.min(Integer.MAX_VALUE, size(tiffData.getFirst(), "IFD", where, 0));
            }
            if (pages.isEmpty()) {
                throw new InvalidMetadataException(where + ": the file has no pages");
            }
            int spp = ifd < pages.size() ? pages.get(ifd).samplesPerPixel() : 1;
            long planesC = spp > 1 ? 1 : sc;
            if (spp > 1 && sc != spp) {
                throw new UnsupportedExtensionException(where + ": SizeC=" + sc + " with " + spp
                        + " samples per pixel; only one channel of interleaved samples is supported");
            }
            long planes = sz * planesC * st;
            if (ifd + planes > pages.size()) {
                throw new InvalidMetadataException(where + ": " + planes + " planes from IFD " + ifd + ", but the file has "
                        + pages.size() + " full-resolution pages");
            }
            TiffPage p0 = pages.get(ifd);
            if (p0.width() != sx || p0.height() != sy) {
                throw new InvalidMetadataException(where + ": SizeX x SizeY is " + sx + " x " + sy + ", IFD " + ifd + " holds "
                        + p0.width() + " x " + p0.height());
            }
            // planes in the file: X, Y, then the order's three, the first fastest
            Map<Character, Long> sizes = Map.of('Z', sz, 'C', planesC, 'T', st);
            char a = order.charAt(2);
            char b = order.charAt(3);
            List<TiffPage> ordered = new ArrayList<>();
            for (long t = 0; t < st; t++) {
                for (long c = 0; c < planesC; c++) {
                    for (long z = 0; z < sz; z++) {
                        Map<Character, Long> at = Map.of('Z', z, 'C', c, 'T', t);
                        long idx = at.get(a) + sizes.get(a) * (at.get(b) + sizes.get(b) * at.get(order.charAt(4)));
                        ordered.add(pages.get((int) (ifd + idx)));
                    }
                }
            }
            nextIfd = (int) (ifd + planes);
            List<Axis> axes = List.of(
                    axis("t", "time", unit(attr(px, "TimeIncrementUnit", "s"))),
                    axis("c", "channel", null),
                    axis("z", "space", unit(attr(px, "PhysicalSizeZUnit", "µm"))),
                    axis("y", "space", unit(attr(px, "PhysicalSizeYUnit", "µm"))),
                    axis("x", "space", unit(attr(px, "PhysicalSizeXUnit", "µm"))));
            double[] scale = {
                    number(attr(px, "TimeIncrement", "1"), 1),
                    1,
                    number(attr(px, "PhysicalSizeZ", "1"), 1),
                    number(attr(px, "PhysicalSizeY", "1"), 1),
                    number(attr(px, "PhysicalSizeX", "1"), 1)};
            // interleaved samples sit at the channel position and the pages span t and z
            List<LevelSource> levels = spp > 1 ? levels(ordered, new long[] {st, sz}, 1)
                    : levels(ordered, new long[] {st, sc, sz}, -1);
            DataType type = levels.getFirst().dataType();
            List<Omero.Channel> chans = new ArrayList<>();
            for (int c = 0; c < sc; c++) {
                Element ch = c < channels.size() ? channels.get(c) : null;
                String label = ch != null && ch.hasAttribute("Name") ? ch.getAttribute("Name") : "Channel " + c;
                String color = ch != null && ch.hasAttribute("Color") ? color(ch.getAttribute("Color")) : null;
                if (color == null) {
                    color = sc == 1 ? "FFFFFF" : List.of("FF0000", "00FF00", "0000FF", "FF00FF", "00FFFF", "FFFF00")
                            .get(c % 6);
                }
                chans.add(Omero.Channel.of(label, color, window(type)));
            }
            String name = img.hasAttribute("Name") ? img.getAttribute("Name") : null;
            out.add(new FileImage(name, axes, scale, levels, Omero.of(chans)));
        }
        if (out.isEmpty()) {
            throw new InvalidMetadataException(file.describe() + ": OME-XML names no Image");
        }
        return out;
    }

    /** The display window of a type: its full range for integers, none for floats. */
    private static Omero.Window window(DataType t) {
        if (t.kind() == DataType.Kind.FLOAT) {
            return null;
        }
        double max = t.kind() == DataType.Kind.UINT ? Math.pow(2, 8.0 * t.byteSize()) - 1 : Math.pow(2, 8.0 * t.byteSize() - 1) - 1;
        double min = t.kind() == DataType.Kind.UINT ? 0 : -max - 1;
        return Omero.Window.of(min, max, min, max);
    }

    /** OME's Color (a signed 32-bit RGBA integer) as hex RGB. */
    private static String color(String s) {
        try {
            long v = Long.parseLong(s.trim());
            int rgba = (int) v;
            return String.format(Locale.ROOT, "%06X", (rgba >>> 8) & 0xffffff);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String attr(Element e, String name, String dflt) {
        return e.hasAttribute(name) ? e.getAttribute(name) : dflt;
    }

    private static long size(Element e, String name, String where) throws InvalidMetadataException {
        return size(e, name, where, 1);
    }

    private static long size(Element e, String name, String where, long min) throws InvalidMetadataException {
        String v = e.getAttribute(name);
        try {
            long n = Long.parseLong(v.trim());
            if (n >= min && n <= Integer.MAX_VALUE) {
                return n;
            }
        } catch (NumberFormatException ex) {
            // reported below
        }
        throw new InvalidMetadataException(where + ": " + name + "='" + v + "' is not a size");
    }

    private static Element child(Element e, String local) {
        List<Element> c = children(e, local);
        return c.isEmpty() ? null : c.getFirst();
    }

    private static List<Element> children(Element e, String local) {
        List<Element> out = new ArrayList<>();
        for (org.w3c.dom.Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element el && local.equals(el.getLocalName())) {
                out.add(el);
            }
        }
        return out;
    }
}
