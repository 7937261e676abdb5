package dev.ngff.buffer.internal;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Mappings of the real kernel: contents, bounds, the huge-page hint, refusal, and unmapping after GC, checked in
 * /proc/self/maps (the kernel's own list of this process's mappings). Only a few pages of each mapping are touched,
 * so the 3 GiB ones cost a few MiB of memory (a few huge pages at most).
 */
class AnonymousMemoryTest {
    private static final long THREE_GIB = 3L << 30;
    private static final boolean LINUX = System.getProperty("os.name").equals("Linux")
            && (System.getProperty("os.arch").equals("amd64") || System.getProperty("os.arch").equals("aarch64"));

    @Test
    void availableExactlyOnLinuxWithACauseOtherwise() {
        assertThat(AnonymousMemory.isAvailable()).isEqualTo(LINUX);
        if (LINUX) {
            assertThat(AnonymousMemory.unavailabilityCause()).isNull();
        } else {
            assertThat(AnonymousMemory.unavailabilityCause()).contains("Linux");
            assertThat(AnonymousMemory.allocate(THREE_GIB)).isEmpty();
        }
    }

    @Test
    void aMappingBeyondTwoGibReadsAsZeroAndIsWritableAtBothEnds() {
        if (!LINUX) {
            return; // covered by availableExactlyOnLinuxWithACauseOtherwise: nothing is mapped elsewhere
        }
        long size = THREE_GIB + 13; // not a multiple of the page size: the segment is exactly what was asked
        MemorySegment m = AnonymousMemory.allocate(size).orElseThrow();
        assertThat(m.byteSize()).isEqualTo(size);
        assertThat(m.isNative()).isTrue();
        assertThat(m.address() % 4096).isZero();
        long seed = System.nanoTime();
        System.out.println("AnonymousMemoryTest seed " + seed);
        Random random = new Random(seed);
        for (int i = 0; i < 16; i++) {
            long at = (random.nextLong(size - 8)) & ~7L;
            assertThat(m.get(ValueLayout.JAVA_LONG, at)).as("8 bytes at %d (seed %d)", at, seed).isZero();
        }
        assertThat(m.get(ValueLayout.JAVA_BYTE, 0)).isZero();
        assertThat(m.get(ValueLayout.JAVA_BYTE, size - 1)).isZero();
        assertThat(m.get(ValueLayout.JAVA_BYTE, (2L << 30) + 1)).isZero(); // past 2^31: long offsets work
        m.set(ValueLayout.JAVA_BYTE, 0, (byte) 7);
        m.set(ValueLayout.JAVA_BYTE, size - 1, (byte) -3);
        m.set(ValueLayout.JAVA_LONG_UNALIGNED, (2L << 30) - 4, 0x0102030405060708L); // straddles 2^31
        assertThat(m.get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 7);
        assertThat(m.get(ValueLayout.JAVA_BYTE, size - 1)).isEqualTo((byte) -3);
        assertThat(m.get(ValueLayout.JAVA_LONG_UNALIGNED, (2L << 30) - 4)).isEqualTo(0x0102030405060708L);
        assertThat(m.get(ValueLayout.JAVA_BYTE, 1)).isZero();
        assertThatThrownBy(() -> m.get(ValueLayout.JAVA_BYTE, size)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> m.set(ValueLayout.JAVA_SHORT_UNALIGNED, size - 1, (short) 1))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void theHugePageHintIsGivenFromTwoMibAndEitherWayTheMemoryIsZero() throws IOException {
        if (!LINUX) {
            return;
        }
        MemorySegment hinted = AnonymousMemory.allocate(AnonymousMemory.HUGE_PAGE).orElseThrow();
        MemorySegment plain = AnonymousMemory.allocate(AnonymousMemory.HUGE_PAGE - 4096).orElseThrow();
        // smaps lists "hg" among the VmFlags of a mapping advised MADV_HUGEPAGE (whatever THP mode the system runs)
        assertThat(smapsFlags(hinted).split(" ")).contains("hg");
        assertThat(smapsFlags(plain).split(" ")).doesNotContain("hg");
        for (MemorySegment m : new MemorySegment[] {hinted, plain}) {
            assertThat(m.asSlice(0, 8192).toArray(ValueLayout.JAVA_BYTE)).containsOnly((byte) 0);
            m.fill((byte) 0x5a);
            assertThat(m.get(ValueLayout.JAVA_BYTE, m.byteSize() - 1)).isEqualTo((byte) 0x5a);
        }
    }

    @Test
    void aRefusedMappingIsEmptyAndABadSizeIsACallerBug() {
        if (!LINUX) {
            return;
        }
        // 2^60 bytes exceed any x86-64 or AArch64 user address space: the kernel must refuse it
        Optional<MemorySegment> refused = AnonymousMemory.allocate(1L << 60);
        assertThat(refused).isEmpty();
        assertThatThrownBy(() -> AnonymousMemory.allocate(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> AnonymousMemory.allocate(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMappingIsUnmappedOnceNeitherItNorASliceIsReachable() throws Exception {
        if (!LINUX) {
            return;
        }
        MemorySegment m = AnonymousMemory.allocate(THREE_GIB).orElseThrow();
        long start = m.address();
        long middle = start + THREE_GIB / 2;
        long last = start + THREE_GIB - 1;
        long live = AnonymousMemory.liveMappings();
        assertThat(live).isPositive();
        assertThat(AnonymousMemory.mappedBytes()).isGreaterThanOrEqualTo(THREE_GIB);
        assertThat(covered(start) && covered(middle) && covered(last)).as("mapped").isTrue();

        MemorySegment slice = m.asSlice(THREE_GIB - 4096, 4096);
        m = null;
        slice.set(ValueLayout.JAVA_INT, 0, 42);
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(covered(middle)).as("a live slice keeps the mapping").isTrue();
        assertThat(slice.get(ValueLayout.JAVA_INT, 0)).isEqualTo(42);

        slice = null;
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (covered(middle) && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        // the middle of a freed 3 GiB hole is not handed out again within milliseconds (nothing else maps GiBs)
        assertThat(covered(middle)).as("unmapped after GC").isFalse();
        assertThat(AnonymousMemory.liveMappings()).isLessThan(live);
    }

    private static final Pattern VMA = Pattern.compile("^([0-9a-f]+)-([0-9a-f]+) ");

    /** Whether some mapping of this process covers the address, per /proc/self/maps. */
    private static boolean covered(long address) throws IOException {
        return vmaLines(Path.of("/proc/self/maps")).stream().anyMatch(line -> covers(line, address));
    }

    private static boolean covers(String line, long address) {
        Matcher v = VMA.matcher(line);
        return v.find() && Long.compareUnsigned(Long.parseUnsignedLong(v.group(1), 16), address) <= 0
                && Long.compareUnsigned(address, Long.parseUnsignedLong(v.group(2), 16)) < 0;
    }

    private static List<String> vmaLines(Path file) throws IOException {
        return Files.readAllLines(file);
    }

    /**
     * The VmFlags line of the mapping that covers m's address, from /proc/self/smaps (the kernel may have merged
     * it with a neighbour of the same flags, so it need not start there).
     */
    private static String smapsFlags(MemorySegment m) throws IOException {
        boolean inside = false;
        for (String line : vmaLines(Path.of("/proc/self/smaps"))) {
            if (VMA.matcher(line).find()) {
                inside = covers(line, m.address());
            } else if (inside && line.startsWith("VmFlags:")) {
                return line;
            }
        }
        throw new AssertionError("no mapping covers " + Long.toHexString(m.address()) + " in /proc/self/smaps");
    }
}
