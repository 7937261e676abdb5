package dev.ngff.buffer;

import dev.ngff.buffer.internal.AnonymousMemory;
import dev.ngff.metadata.DataType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where allocations come from and that every path reads as zero; only a few pages of the large ones are touched. */
class BuffersTest {

    @Test
    void upToTheArrayLimitMemoryIsAZeroedHeapArray() {
        MemorySegment s = Buffers.allocate(1 << 20);
        assertThat(s.isNative()).isFalse();
        assertThat(s.heapBase()).containsInstanceOf(byte[].class);
        assertThat(s.toArray(ValueLayout.JAVA_BYTE)).containsOnly((byte) 0);
        assertThat(Buffers.allocate(0).byteSize()).isZero();
        assertThatThrownBy(() -> Buffers.allocate(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aboveTheArrayLimitMemoryIsNativeZeroAndWritableAtBothEnds() {
        long size = Buffers.MAX_HEAP_ARRAY + 1;
        MemorySegment s = Buffers.allocate(size);
        assertThat(s.isNative()).isTrue();
        assertThat(s.byteSize()).isEqualTo(size);
        if (AnonymousMemory.isAvailable()) {
            assertThat(s.address() % 4096).as("a mapping, page-aligned").isZero();
        }
        assertThat(s.get(ValueLayout.JAVA_LONG_UNALIGNED, 0)).isZero();
        assertThat(s.get(ValueLayout.JAVA_LONG_UNALIGNED, size - 8)).isZero();
        s.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
        s.set(ValueLayout.JAVA_BYTE, size - 1, (byte) 2);
        assertThat(s.get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 1);
        assertThat(s.get(ValueLayout.JAVA_BYTE, size - 1)).isEqualTo((byte) 2);
        assertThat(s.get(ValueLayout.JAVA_BYTE, size / 2)).isZero();
    }

    @Test
    void whenNoMappingIsGivenTheJdksZeroedAllocationIsUsed() {
        List<Long> asked = new ArrayList<>();
        long size = 3L << 20; // the fallback zeroes all it allocates, so keep it small
        MemorySegment s = Buffers.allocateNative(size, n -> {
            asked.add(n);
            return Optional.empty();
        });
        assertThat(asked).containsExactly(size);
        assertThat(s.isNative()).isTrue();
        assertThat(s.byteSize()).isEqualTo(size);
        assertThat(s.toArray(ValueLayout.JAVA_BYTE)).containsOnly((byte) 0);
        s.set(ValueLayout.JAVA_BYTE, size - 1, (byte) 9);
        assertThat(s.get(ValueLayout.JAVA_BYTE, size - 1)).isEqualTo((byte) 9);
    }

    @Test
    void anNdBufferBeyondTwoGibIsAddressableToItsLastElement() {
        long[] shape = {1025, 1024, 1024}; // 2 GiB + 2 MiB of uint16
        NdBuffer b = NdBuffer.allocate(DataType.UINT16, shape);
        assertThat(b.segment().isNative()).isTrue();
        assertThat(b.getShort(1024, 1023, 1023)).isZero();
        b.setShort((short) 0xBEEF, 1024, 1023, 1023);
        assertThat(b.segment().get(NdBuffer.SHORT, b.segment().byteSize() - 2)).isEqualTo((short) 0xBEEF);
        assertThat(b.getShort(1024, 1023, 1022)).isZero();
        assertThat(b.getShort(0, 0, 0)).isZero();
    }
}
