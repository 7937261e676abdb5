package dev.ngff.convert;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.array.ZarrGroup;
import dev.ngff.array.ZarrNode;
import dev.ngff.convert.internal.OmeFormatRule;
import dev.ngff.convert.internal.Skipped;
import dev.ngff.error.NgffException;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.GroupMetadata;
import dev.ngff.store.Key;
import dev.ngff.store.ReadableStore;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The plan of {@code ngff copy}: an array or a whole hierarchy (groups, attributes and arrays, recursively)
 * re-encoded with a {@link TargetLayout}. Attributes are copied as they are; a copy whose OME-NGFF metadata would
 * not fit the target's Zarr format is refused. Reads metadata only; writes nothing. Thread-safe (stateless).
 */
public final class CopyPlanner {
    private CopyPlanner() {
    }

    /**
     * The steps that copy the node at the root of {@code src}, parents before children.
     *
     * @throws ConvertOptionException the layout does not fit an array, or a group's OME metadata would not fit the
     *                                target's Zarr format
     * @throws NgffException          a group holds entries whose names cannot be Zarr keys (nothing can be copied
     *                                faithfully)
     */
    public static List<Step> plan(ReadableStore src, TargetLayout layout, ExecutionContext ctx) throws IOException {
        List<Step> steps = new ArrayList<>();
        plan(Zarr.open(src, Key.ROOT, ctx), layout, steps);
        return steps;
    }

    private static void plan(ZarrNode node, TargetLayout layout, List<Step> out) throws IOException {
        switch (node) {
            case ZarrArray a -> {
                try {
                    out.add(new ArrayStep(a.path(), a, layout.apply(a.metadata(), a.store().describe() + " '/" + a.path() + "'")));
                } catch (ConvertOptionException e) {
                    throw e;
                } catch (IllegalArgumentException e) {
                    throw new ConvertOptionException(e.getMessage(), e);
                }
            }
            case ZarrGroup g -> {
                int format = layout.zarrFormat() != null ? layout.zarrFormat() : g.zarrFormat();
                OmeFormatRule.requireFits(g, format);
                out.add(new GroupStep(g.path(), GroupMetadata.of(format, g.attributes())));
                ZarrGroup.ChildListing children = g.listChildren();
                if (!children.skipped().isEmpty()) { // copying the rest would lose them without a word
                    throw new NgffException(g.store().describe() + " '/" + g.path() + "' holds "
                            + Skipped.describe(children.skipped()) + ", which cannot be copied; nothing was written"
                            + " (rename them to copy them)");
                }
                for (String name : children.names()) {
                    plan(g.open(name), layout, out);
                }
            }
        }
    }
}
