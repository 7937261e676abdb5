package dev.ngff.cli;

import dev.ngff.convert.internal.CodecText;
import picocli.CommandLine;

import java.util.Arrays;

/**
 * A list of positive extents given on the command line, such as {@code 64,256,256} (or {@code 64x256x256}).
 *
 * @param values the extents
 */
record Dims(long[] values) {

    Dims {
        values = values.clone();
    }

    @Override
    public long[] values() {
        return values.clone();
    }

    int rank() {
        return values.length;
    }

    /**
     * Parses the list.
     *
     * @throws CommandLine.TypeConversionException naming the bad entry
     */
    static Dims parse(String value) {
        try {
            return new Dims(dev.ngff.convert.TargetLayout.parseExtents(value));
        } catch (dev.ngff.convert.ConvertOptionException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dims d && Arrays.equals(values, d.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return CodecText.shape(values);
    }

    /** Picocli converter. */
    static final class Converter implements CommandLine.ITypeConverter<Dims> {
        @Override
        public Dims convert(String value) {
            return parse(value);
        }
    }
}
