package dev.ngff.ome;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ngff.error.InvalidMetadataException;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.ome.Axis;
import dev.ngff.metadata.ome.ImageLabel;
import dev.ngff.metadata.ome.Multiscale;
import dev.ngff.metadata.ome.NgffVersion;
import dev.ngff.metadata.ome.OmeMetadata;
import dev.ngff.metadata.ome.Omero;
import dev.ngff.metadata.ome.Plate;
import dev.ngff.metadata.ome.ScaleTranslation;
import dev.ngff.metadata.ome.Transform;
import dev.ngff.metadata.ome.Well;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Rewrites a group's OME metadata for another OME-NGFF version, as a converter needs it (the arrays are the
 * caller's business). What moves where:
 *
 * <ul>
 *   <li>the version: up to 0.4 a {@code version} in each block ({@code multiscales}, {@code image-label},
 *       {@code plate}, {@code well}) and the blocks at the top level of the attributes; from 0.5 one
 *       {@code ome.version} and the blocks under {@code attributes.ome};</li>
 *   <li>axes and transformations: 0.4 and 0.5 share {@code axes} and a scale (and translation) per dataset;
 *       0.6 names a coordinate system ({@value OmeZarr#PHYSICAL}, as {@link OmeZarr#createImage} writes it)
 *       and links each dataset's transformation from the array's path to it. Going to 0.4/0.5 from 0.6 each
 *       level's transformation must be an axis-aligned scale and translation; going to 0.6 the
 *       multiscale-wide transformations are folded into each level's;</li>
 *   <li>{@code omero}, {@code labels}, {@code image-label} (colours, properties, source), {@code plate},
 *       {@code well}, {@code bioformats2raw.layout} and {@code series} are kept, with the version fields
 *       the target wants;</li>
 *   <li>attributes this model does not know are kept: top-level ones stay top-level, unknown members of
 *       {@code attributes.ome} stay there (from 0.5) or move to the top level (0.4).</li>
 * </ul>
 *
 * Stateless and thread-safe.
 */
public final class OmeConversion {
    private OmeConversion() {
    }

    /**
     * The attributes of the converted group: {@code attributes} with its OME metadata rewritten for
     * {@code target}. Attributes without OME metadata are returned as they are (a copy).
     *
     * @param where names the group in messages (store and path)
     * @throws InvalidMetadataException     when the source's OME metadata is malformed
     * @throws UnsupportedExtensionException when the metadata cannot be said in the target version (a 0.6
     *                                       scene or an affine level transformation going to 0.4/0.5)
     */
    public static ObjectNode attributes(ObjectNode attributes, NgffVersion target, String where)
            throws InvalidMetadataException, UnsupportedExtensionException {
        Optional<OmeMetadata> meta = OmeMetadata.parse(attributes, where);
        if (meta.isEmpty()) {
            return attributes.deepCopy();
        }
        ObjectNode base = attributes.deepCopy();
        base.remove("ome");
        for (String k : OmeMetadata.KEYS) {
            base.remove(k);
        }
        OmeMetadata converted = convert(meta.get(), target, where);
        if (!target.nestedUnderOme()) {
            ObjectNode extra = meta.get().extra();
            extra.properties().forEach(e -> {
                if (!base.has(e.getKey())) {
                    base.set(e.getKey(), e.getValue());
                }
            });
        }
        return converted.toAttributes(base);
    }

    /**
     * The metadata in {@code target}'s form (see the class description).
     *
     * @throws UnsupportedExtensionException when it cannot be said in the target version
     */
    public static OmeMetadata convert(OmeMetadata m, NgffVersion target, String where)
            throws UnsupportedExtensionException {
        boolean nested = target.nestedUnderOme();
        String own = nested ? null : target.text(); // the per-block version up to 0.4
        if (m.scene() != null && !target.hasCoordinateSystems()) {
            throw new UnsupportedExtensionException(where + ": a 0.6 scene cannot be written as OME-NGFF " + target
                    + " (it has no scenes); convert it to 0.6");
        }
        List<Multiscale> ms = null;
        if (m.multiscales() != null) {
            ms = new ArrayList<>();
            for (int i = 0; i < m.multiscales().size(); i++) {
                ms.add(multiscale(m.multiscales().get(i), target, own, where + " " + (m.nested() ? "/ome" : "")
                        + "/multiscales/" + i));
            }
        }
        Omero omero = m.omero() == null ? null
                : new Omero(m.omero().id(), m.omero().name(), nested ? null : m.omero().version(), m.omero().channels(),
                        m.omero().rdefs(), m.omero().extra());
        ImageLabel il = m.imageLabel() == null ? null
                : new ImageLabel(own, m.imageLabel().colors(), m.imageLabel().properties(), m.imageLabel().source(),
                        m.imageLabel().extra());
        Plate plate = m.plate() == null ? null
                : new Plate(own, m.plate().name(), m.plate().rows(), m.plate().columns(), m.plate().wells(),
                        m.plate().acquisitions(), m.plate().fieldCount(), m.plate().extra());
        Well well = m.well() == null ? null : new Well(own, m.well().images(), m.well().extra());
        return new OmeMetadata(target.text(), nested, ms, omero, m.labels(), il, plate, well, m.bioformats2rawLayout(),
                m.series(), m.scene(), nested ? m.extra() : null);
    }

    private static Multiscale multiscale(Multiscale s, NgffVersion target, String own, String where)
            throws UnsupportedExtensionException {
        boolean fromSystems = s.coordinateSystems() != null && s.axes() == null;
        if (target.hasCoordinateSystems() && fromSystems) {
            return new Multiscale(null, s.name(), null, s.coordinateSystems(), s.datasets(),
                    s.coordinateTransformations(), s.type(), s.metadata(), s.extra());
        }
        if (!target.hasCoordinateSystems() && !fromSystems) {
            return new Multiscale(own, s.name(), s.axes(), null, s.datasets(), s.coordinateTransformations(), s.type(),
                    s.metadata(), s.extra());
        }
        // between the two forms: each level's scale and translation (the multiscale-wide ones folded in)
        List<Multiscale.Dataset> ds = new ArrayList<>();
        for (int k = 0; k < s.datasets().size(); k++) {
            Multiscale.Dataset d = s.datasets().get(k);
            ScaleTranslation st = levelTransform(s, k, where);
            ds.add(new Multiscale.Dataset(d.path(), OmeZarr.levelTransforms(target, d.path(), st.scale(), origin(st)),
                    d.extra()));
        }
        List<Axis> axes = s.effectiveAxes();
        return target.hasCoordinateSystems()
                ? new Multiscale(null, s.name(), null, List.of(new Multiscale.CoordinateSystem(OmeZarr.PHYSICAL, axes, null)),
                        ds, null, s.type(), s.metadata(), s.extra())
                : new Multiscale(own, s.name(), axes, null, ds, null, s.type(), s.metadata(), s.extra());
    }

    private static ScaleTranslation levelTransform(Multiscale s, int k, String where) throws UnsupportedExtensionException {
        Optional<ScaleTranslation> st = s.levelTransform(k).filter(t -> t.rank() == s.effectiveAxes().size());
        if (st.isEmpty()) {
            throw new UnsupportedExtensionException(where + "/datasets/" + k + "/coordinateTransformations: not an "
                    + "axis-aligned scale and translation with inline values (one per axis), which the target "
                    + "version needs");
        }
        return st.get();
    }

    private static double[] origin(ScaleTranslation st) {
        for (double t : st.translation()) {
            if (t != 0) {
                return st.translation();
            }
        }
        return null;
    }
}
