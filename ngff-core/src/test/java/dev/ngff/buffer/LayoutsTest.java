package dev.ngff.buffer;

import dev.ngff.metadata.DataType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;

class LayoutsTest {
    private final NdBuffer dest = NdBuffer.allocate(DataType.UINT16, 8, 6, 5);

    @Test
    void aChunkSpanningTheTrailingExtentsIsContiguous() {
        MemorySegment m = Layouts.contiguousRegion(new long[] {2, 6, 5}, new long[] {2, 6, 5}, dest, new long[] {3, 0, 0});
        assertThat(m).isNotNull();
        assertThat(m.byteSize()).isEqualTo(2L * 2 * 6 * 5);
        assertThat(m.address() - dest.segment().address()).isEqualTo(2L * 3 * 6 * 5);
    }

    @Test
    void leadingExtentsOfOneDoNotBreakContiguity() {
        // one row of one plane: contiguous wherever it sits in that plane
        MemorySegment m = Layouts.contiguousRegion(new long[] {1, 1, 5}, new long[] {1, 1, 5}, dest, new long[] {4, 2, 0});
        assertThat(m).isNotNull();
        assertThat(m.address() - dest.segment().address()).isEqualTo(2L * (4 * 30 + 2 * 5));
        assertThat(Layouts.contiguousRegion(new long[] {1, 2, 5}, new long[] {1, 2, 5}, dest, new long[] {0, 3, 0})).isNotNull();
    }

    @Test
    void partialChunksAndNarrowChunksAreNot() {
        // the chunk is cut by the region: its decoded bytes hold more than the box
        assertThat(Layouts.contiguousRegion(new long[] {2, 6, 5}, new long[] {2, 6, 4}, dest, new long[] {0, 0, 0})).isNull();
        // narrower than the destination in a trailing dimension
        assertThat(Layouts.contiguousRegion(new long[] {2, 3, 5}, new long[] {2, 3, 5}, dest, new long[] {0, 0, 0})).isNull();
        assertThat(Layouts.contiguousRegion(new long[] {1, 6, 4}, new long[] {1, 6, 4}, dest, new long[] {0, 0, 0})).isNull();
    }

    @Test
    void rankZeroIsOneElement() {
        NdBuffer scalar = NdBuffer.allocate(DataType.FLOAT64);
        MemorySegment m = Layouts.contiguousRegion(new long[0], new long[0], scalar, new long[0]);
        assertThat(m.byteSize()).isEqualTo(8);
    }
}
