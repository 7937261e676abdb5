package dev.ngff.cli;

import dev.ngff.convert.internal.ArrayLayout;
import dev.ngff.convert.internal.Skipped;
import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrGroup;
import dev.ngff.error.NodeNotFoundException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.NodeMetadata;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ngff info}: describes every group and array of a hierarchy. */
@Command(name = "info", mixinStandardHelpOptions = true,
        header = "Describe a Zarr array or hierarchy.",
        description = "For an OME-Zarr root first the OME view (image: axes with units, levels with shape, scale and "
                + "translation, channels, labels; plate: rows, columns, wells; ...), then for each node: path, Zarr "
                + "format and kind; for arrays also shape, data type, chunks, shards, codecs, fill value, dimension "
                + "names, what is stored (when the store can list) and the compression ratio.")
public final class InfoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<path-or-uri>",
            description = "Directory, zip file (.zip/.ozx), file: or http(s):// URI of the array or group.")
    String location;

    @Option(names = "--json", description = "Print a machine-readable JSON document.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        CommandLine cmd = spec.commandLine();
        return describe(location, json, cmd.getOut(), cmd.getErr(), where -> Locations.openReadable(cmd, where));
    }

    /** Opens the store a location names; a malformed location is the caller's kind of usage error. */
    @FunctionalInterface
    interface Opener {
        ReadableStore open(String location) throws IOException;
    }

    /**
     * The work of {@code ngff info}, apart from picocli (so that {@link InfoFastPath} can run it without building
     * a command model): prints the description of the node at {@code location} and returns the exit code.
     */
    static int describe(String location, boolean json, PrintWriter out, PrintWriter err, Opener opener)
            throws IOException {
        List<NodeInfo> nodes = new ArrayList<>();
        String describe;
        com.fasterxml.jackson.databind.node.ObjectNode omeJson = null;
        try (ReadableStore store = opener.open(location);
             ExecutionContext ctx = ExecutionContext.create()) {
            describe = store.describe();
            Locations.requireComplete(store); // a destination a copy has not finished
            walk(store, Key.ROOT, ctx, nodes, err);
            java.util.Optional<dev.ngff.ome.OmeNode> ome = OmeInfo.open(store, ctx);
            if (ome.isPresent()) {
                if (json) {
                    omeJson = OmeInfo.json(ome.get());
                } else {
                    OmeInfo.text(ome.get(), out);
                }
            }
        }
        if (json) {
            String doc = InfoRender.json(describe, nodes);
            if (omeJson != null) {
                var tree = (com.fasterxml.jackson.databind.node.ObjectNode) dev.ngff.metadata.Json.parse(doc, "info");
                tree.set("ome", omeJson);
                doc = new String(dev.ngff.metadata.Json.write(tree).toArray(), java.nio.charset.StandardCharsets.UTF_8);
            }
            out.println(doc);
        } else {
            InfoRender.text(nodes, out);
        }
        out.flush();
        return 0;
    }

    private static void walk(ReadableStore store, Key path, ExecutionContext ctx, List<NodeInfo> out, PrintWriter err)
            throws IOException {
        NodeMetadata meta = Zarr.readMetadata(store, path).orElseThrow(() -> new NodeNotFoundException(
                "no Zarr array or group at " + store.describe() + " '/" + path.path()
                        + "' (none of zarr.json, .zarray, .zgroup)"));
        String where = store.describe() + " '/" + path.path() + "'";
        if (meta instanceof ArrayMetadata a) {
            out.add(new NodeInfo(path, a, ArrayLayout.of(a, where), StoredChunks.of(store, path).orElse(null), null));
            return;
        }
        ZarrGroup group = Zarr.openGroup(store, path, ctx);
        List<String> children;
        String note = null;
        try {
            ZarrGroup.ChildListing listing = group.listChildren();
            children = listing.names();
            if (!listing.skipped().isEmpty()) {
                note = Skipped.describe(listing.skipped()) + " not shown";
                err.println("ngff info: warning: " + where + " holds " + note);
                err.flush();
            }
        } catch (UnsupportedOperationException e) {
            children = List.of();
            note = "children not listed: " + e.getMessage();
        }
        out.add(new NodeInfo(path, meta, null, null, note));
        for (String child : children) {
            walk(store, path.resolve(child), ctx, out, err);
        }
    }
}
