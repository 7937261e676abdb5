package dev.ngff.cli;

import dev.ngff.convert.internal.CodecText;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrGroup;
import dev.ngff.error.NgffException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.Json;
import dev.ngff.metadata.ome.Axis;
import dev.ngff.metadata.ome.Omero;
import dev.ngff.metadata.ome.OmeMetadata;
import dev.ngff.ome.Level;
import dev.ngff.ome.OmeCollection;
import dev.ngff.ome.OmeImage;
import dev.ngff.ome.OmeLabels;
import dev.ngff.ome.OmeNode;
import dev.ngff.ome.OmePlate;
import dev.ngff.ome.OmeScene;
import dev.ngff.ome.OmeWell;
import dev.ngff.ome.OmeZarr;
import dev.ngff.store.Key;
import dev.ngff.store.ReadableStore;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The OME view of {@code ngff info}: what the root group is as OME-Zarr, as text lines and as JSON. */
final class OmeInfo {
    private OmeInfo() {
    }

    /** The OME node at the root, or empty when the root is not an OME-Zarr group (or its metadata is broken). */
    static Optional<OmeNode> open(ReadableStore store, ExecutionContext ctx) throws IOException {
        if (!(Zarr.readMetadata(store, Key.ROOT).orElse(null) instanceof dev.ngff.metadata.GroupMetadata)) {
            return Optional.empty();
        }
        ZarrGroup g = Zarr.openGroup(store, Key.ROOT, ctx);
        try {
            if (OmeMetadata.parse(g.attributes(), store.describe()).isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(OmeZarr.open(g));
        } catch (NgffException e) {
            return Optional.empty(); // info still describes the Zarr nodes; ngff validate says what is wrong
        }
    }

    static String kind(OmeNode n) {
        return switch (n) {
            case OmeImage i -> i.imageLabel().isPresent() ? "label image" : "image";
            case OmePlate p -> "plate";
            case OmeWell w -> "well";
            case OmeLabels l -> "labels";
            case OmeCollection c -> "bioformats2raw collection";
            case OmeScene s -> "scene";
        };
    }

    static void text(OmeNode n, PrintWriter out) throws IOException {
        String v = n.metadata().versionText();
        out.println("OME-Zarr " + kind(n) + (v != null ? " (OME-NGFF " + v + ")" : " (no version)"));
        switch (n) {
            case OmeImage img -> image(img, out);
            case OmePlate p -> {
                line(out, "name", p.plate().name() == null ? "-" : p.plate().name());
                line(out, "rows", String.join(" ", p.plate().rows()));
                line(out, "columns", String.join(" ", p.plate().columns()));
                line(out, "wells", p.plate().wells().size() + ": " + String.join(" ",
                        p.plate().wells().stream().map(w -> w.path()).toList()));
                if (p.plate().fieldCount() != null) {
                    line(out, "fields", "up to " + p.plate().fieldCount() + " per well");
                }
            }
            case OmeWell w -> line(out, "fields", String.join(" ", w.well().images().stream().map(f -> f.path()).toList()));
            case OmeLabels l -> line(out, "labels", String.join(" ", l.names()));
            case OmeCollection c -> line(out, "series", String.join(" ", c.seriesPaths()));
            case OmeScene s -> {
                line(out, "systems", s.scene().coordinateSystems() == null ? "-" : String.join(" ",
                        s.scene().coordinateSystems().stream().map(cs -> cs.name()).toList()));
                line(out, "transforms", s.scene().coordinateTransformations() == null ? "0"
                        : Integer.toString(s.scene().coordinateTransformations().size()));
            }
        }
        out.println();
    }

    private static void image(OmeImage img, PrintWriter out) throws IOException {
        if (img.multiscale().name() != null) {
            line(out, "name", img.multiscale().name());
        }
        List<String> axes = new ArrayList<>();
        for (Axis a : img.axes()) {
            axes.add(a.name() + (a.type() != null ? ":" + a.type() : "") + (a.unit() != null ? " [" + a.unit() + "]" : ""));
        }
        line(out, "axes", String.join(", ", axes));
        for (Level l : img.levels()) {
            line(out, "level " + l.index(), l.path() + "  " + CodecText.shape(l.shape()) + "  " + l.metadata().dataType().name()
                    + (l.scaleTranslation().isPresent() ? "  scale " + nums(l.scale())
                    + (nonZero(l.translation()) ? "  translation " + nums(l.translation()) : "") : "  (no axis-aligned scale)"));
        }
        if (img.multiscale().type() != null) {
            line(out, "downsampling", img.multiscale().type());
        }
        for (Omero.Channel c : img.channels()) {
            String win = c.window() == null ? "" : "  window " + num(c.window().start()) + ".." + num(c.window().end());
            line(out, "channel", (c.label() == null ? "-" : c.label()) + (c.color() != null ? "  #" + c.color() : "") + win
                    + (Boolean.FALSE.equals(c.active()) ? "  (inactive)" : ""));
        }
        Optional<OmeLabels> labels = img.labels();
        labels.ifPresent(l -> line(out, "labels", String.join(" ", l.names())));
    }

    static ObjectNode json(OmeNode n) throws IOException {
        ObjectNode o = Json.object();
        o.put("kind", kind(n));
        o.put("version", n.metadata().versionText());
        if (n instanceof OmeImage img) {
            ArrayNode axes = o.putArray("axes");
            for (Axis a : img.axes()) {
                ObjectNode an = axes.addObject().put("name", a.name());
                an.put("type", a.type());
                an.put("unit", a.unit());
            }
            ArrayNode levels = o.putArray("levels");
            for (Level l : img.levels()) {
                ObjectNode ln = levels.addObject().put("path", l.path()).put("dtype", l.metadata().dataType().name());
                ArrayNode sh = ln.putArray("shape");
                for (long s : l.shape()) {
                    sh.add(s);
                }
                if (l.scaleTranslation().isPresent()) {
                    ArrayNode sc = ln.putArray("scale");
                    for (double s : l.scale()) {
                        sc.add(s);
                    }
                    ArrayNode tr = ln.putArray("translation");
                    for (double t : l.translation()) {
                        tr.add(t);
                    }
                }
            }
            ArrayNode ch = o.putArray("channels");
            for (Omero.Channel c : img.channels()) {
                ObjectNode cn = ch.addObject().put("label", c.label()).put("color", c.color());
                if (c.window() != null) {
                    cn.putObject("window").put("start", c.window().start()).put("end", c.window().end())
                            .put("min", c.window().min()).put("max", c.window().max());
                }
            }
            Optional<OmeLabels> labels = img.labels();
            if (labels.isPresent()) {
                ArrayNode ln = o.putArray("labels");
                labels.get().names().forEach(ln::add);
            }
        } else if (n instanceof OmePlate p) {
            ArrayNode wells = o.putArray("wells");
            p.plate().wells().forEach(w -> wells.add(w.path()));
        } else if (n instanceof OmeCollection c) {
            ArrayNode s = o.putArray("series");
            c.seriesPaths().forEach(s::add);
        }
        return o;
    }

    private static boolean nonZero(double[] a) {
        for (double x : a) {
            if (x != 0) {
                return true;
            }
        }
        return false;
    }

    private static String nums(double[] a) {
        List<String> s = new ArrayList<>();
        for (double x : a) {
            s.add(num(x));
        }
        return String.join(" ", s);
    }

    private static String num(Double x) {
        if (x == null) {
            return "?";
        }
        return java.math.BigDecimal.valueOf(x).stripTrailingZeros().toPlainString();
    }

    private static void line(PrintWriter out, String key, String value) {
        out.printf(Locale.ROOT, "  %-13s %s%n", key, value);
    }
}
