package dev.ngff.convert.internal;

import dev.ngff.metadata.ArrayMetadata;
import dev.ngff.metadata.Codecs;
import dev.ngff.metadata.DataType;
import dev.ngff.metadata.ome.Axis;
import dev.ngff.pyramid.LevelSource;
import dev.ngff.convert.ConvertOptionException;

import java.nio.ByteOrder;
import java.util.List;
import java.util.Locale;

/** What {@code ngff convert} needs to write an image from a file source (TIFF or raw): option parsing and layouts. */
public final class FileSources {
    private FileSources() {
    }

    /** A parsed {@code --raw SHAPE,DTYPE[,little|big]}. */
    public record Raw(long[] shape, DataType dataType, ByteOrder order) {
    }

    public static Raw parseRaw(String text) {
        String[] parts = text.split(",", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw new ConvertOptionException("--raw wants SHAPE,DTYPE[,little|big] (64x512x512,uint16), got '"
                    + text + "'");
        }
        String[] dims = parts[0].trim().split("x", -1);
        long[] shape = new long[dims.length];
        for (int d = 0; d < dims.length; d++) {
            try {
                shape[d] = Long.parseLong(dims[d].trim());
            } catch (NumberFormatException e) {
                shape[d] = 0;
            }
            if (shape[d] < 1) {
                throw new ConvertOptionException("--raw: shape '" + parts[0] + "' must be positive sizes "
                        + "joined by x (64x512x512)");
            }
        }
        DataType type = switch (parts[1].trim().toLowerCase(Locale.ROOT)) {
            case "int8" -> DataType.INT8;
            case "uint8" -> DataType.UINT8;
            case "int16" -> DataType.INT16;
            case "uint16" -> DataType.UINT16;
            case "int32" -> DataType.INT32;
            case "uint32" -> DataType.UINT32;
            case "int64" -> DataType.INT64;
            case "uint64" -> DataType.UINT64;
            case "float32" -> DataType.FLOAT32;
            case "float64" -> DataType.FLOAT64;
            default -> throw new ConvertOptionException("--raw: data type '" + parts[1]
                    + "' is not one of int8, uint8, int16, uint16, int32, uint32, int64, uint64, float32, float64");
        };
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        if (parts.length == 3) {
            order = switch (parts[2].trim().toLowerCase(Locale.ROOT)) {
                case "little", "le", "<" -> ByteOrder.LITTLE_ENDIAN;
                case "big", "be", ">" -> ByteOrder.BIG_ENDIAN;
                default -> throw new ConvertOptionException("--raw: byte order '" + parts[2]
                        + "' is not little or big");
            };
        }
        return new Raw(shape, type, order);
    }

    /**
     * The written layout before the options apply: chunks of 1 on time and channel axes, up to 64 on z and up to
     * 256 on y and x (other axes 1), and {@code bytes} + zstd level 3.
     */
    public static ArrayMetadata baseMetadata(LevelSource source, List<Axis> axes, int zarrFormat) {
        long[] shape = source.shape();
        long[] chunks = new long[shape.length];
        for (int d = 0; d < shape.length; d++) {
            String name = axes.get(d).name();
            boolean space = "space".equals(axes.get(d).type());
            long limit = !space ? 1 : name.equals("z") || d < shape.length - 2 ? 64 : 256;
            chunks[d] = Math.max(1, Math.min(limit, shape[d]));
        }
        return ArrayMetadata.builder(source.dataType(), shape).zarrFormat(zarrFormat).chunks(chunks)
                .codecs(Codecs.bytes("little"), Codecs.zstd(3, false)).build();
    }
}
