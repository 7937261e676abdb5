package dev.ngff.convert.internal;

import dev.ngff.buffer.NdBuffer;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.ome.Omero;
import dev.ngff.ome.Level;
import dev.ngff.ome.OmeImage;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Fills the {@code omero} channel windows an image lacks, which OME-NGFF 0.4 requires ({@code min},
 * {@code max}, {@code start}, {@code end}) and 0.5 does not: the range of each channel's values in the
 * image's coarsest level (read whole, so only when it is small), start and end set to that range.
 * Windows the source has are kept as they are.
 */
public final class ChannelWindows {
    /** The largest coarsest level that is read to find the channel ranges. */
    public static final long MAX_READ_BYTES = 64L << 20;

    private ChannelWindows() {
    }

    /** True when a channel lacks its window or a part of it. */
    public static boolean incomplete(Omero omero) {
        for (Omero.Channel c : omero.channels()) {
            Omero.Window w = c.window();
            if (w == null || w.min() == null || w.max() == null || w.start() == null || w.end() == null) {
                return true;
            }
        }
        return false;
    }

    /**
     * The omero block with every missing window part filled from the coarsest level; empty when the
     * level is too large, its type is not a plain number, or the channel axis does not match the channels.
     */
    public static Optional<Omero> filled(OmeImage image, Omero omero) throws IOException {
        Level coarsest = image.levels().getLast();
        DataType type = coarsest.metadata().dataType();
        boolean number = type.flavor() == null && (type.kind() == DataType.Kind.INT || type.kind() == DataType.Kind.UINT
                || (type.kind() == DataType.Kind.FLOAT && type.byteSize() >= 4));
        int channelAxis = -1;
        for (int d = 0; d < image.axes().size(); d++) {
            if ("channel".equals(image.axes().get(d).type())) {
                channelAxis = d;
            }
        }
        long[] shape = coarsest.shape();
        long channels = channelAxis < 0 ? 1 : shape[channelAxis];
        if (!number || channels != omero.channels().size() || shape.length != image.axes().size()
                || Sizes.uncompressed(coarsest.metadata()) > MAX_READ_BYTES) {
            return Optional.empty();
        }
        NdBuffer data = coarsest.array().read();
        double[] lo = new double[(int) channels];
        double[] hi = new double[(int) channels];
        java.util.Arrays.fill(lo, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        long inner = 1; // elements per step of the channel axis
        for (int d = channelAxis + 1; d < shape.length && channelAxis >= 0; d++) {
            inner *= shape[d];
        }
        MemorySegment seg = data.segment();
        for (long i = 0; i < data.elementCount(); i++) {
            double v = value(seg, type, i);
            if (Double.isNaN(v)) {
                continue;
            }
            int c = channelAxis < 0 ? 0 : (int) ((i / inner) % channels);
            lo[c] = Math.min(lo[c], v);
            hi[c] = Math.max(hi[c], v);
        }
        List<Omero.Channel> out = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            Omero.Channel ch = omero.channels().get(c);
            double min = lo[c] <= hi[c] ? lo[c] : 0;
            double max = lo[c] <= hi[c] ? hi[c] : 0;
            Omero.Window w = ch.window();
            Omero.Window nw = w == null ? Omero.Window.of(min, max, min, max)
                    : new Omero.Window(w.min() != null ? w.min() : min, w.max() != null ? w.max() : max,
                            w.start() != null ? w.start() : min, w.end() != null ? w.end() : max, w.extra());
            out.add(new Omero.Channel(ch.label(), ch.color(), nw, ch.active(), ch.inverted(), ch.family(),
                    ch.coefficient(), ch.extra()));
        }
        return Optional.of(new Omero(omero.id(), omero.name(), omero.version(), out, omero.rdefs(), omero.extra()));
    }

    private static double value(MemorySegment s, DataType t, long i) {
        ValueLayout.OfByte b = ValueLayout.JAVA_BYTE;
        ByteOrder le = ByteOrder.LITTLE_ENDIAN;
        boolean unsigned = t.kind() == DataType.Kind.UINT;
        return switch (t.kind()) {
            case FLOAT -> t.byteSize() == 4 ? s.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(le), 4 * i)
                    : s.get(ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(le), 8 * i);
            default -> switch (t.byteSize()) {
                case 1 -> unsigned ? Byte.toUnsignedInt(s.get(b, i)) : s.get(b, i);
                case 2 -> {
                    short v = s.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(le), 2 * i);
                    yield unsigned ? Short.toUnsignedInt(v) : v;
                }
                case 4 -> {
                    int v = s.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(le), 4 * i);
                    yield unsigned ? Integer.toUnsignedLong(v) : v;
                }
                default -> {
                    long v = s.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(le), 8 * i);
                    yield unsigned && v < 0 ? (double) (v >>> 1) * 2.0 : (double) v;
                }
            };
        };
    }
}
