package dev.ngff.s3.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Groups bounded byte ranges of one object into fewer requests: ranges sorted by offset join the
 * current group while the gap to it is at most {@code maxGap} and the group stays within
 * {@code maxSize} bytes (a single range larger than that forms its own group). Overlapping and
 * duplicate ranges are fine. Pure function; thread-safe.
 */
public final class RangeCoalescer {
    private RangeCoalescer() {
    }

    /** One requested range: its position in the caller's list, offset and length (length > 0). */
    public record Wanted(int index, long offset, long length) {
        public Wanted {
            if (offset < 0 || length <= 0) {
                throw new IllegalArgumentException("range offset=" + offset + " length=" + length);
            }
        }

        long end() {
            return offset + length;
        }
    }

    /** One request: {@code [offset, offset+length)} covering its members. */
    public record Group(long offset, long length, List<Wanted> members) {
        public Group {
            members = List.copyOf(members);
        }
    }

    public static List<Group> coalesce(List<Wanted> wanted, long maxGap, long maxSize) {
        List<Wanted> sorted = new ArrayList<>(wanted);
        sorted.sort(Comparator.comparingLong(Wanted::offset).thenComparingLong(Wanted::length));
        List<Group> out = new ArrayList<>();
        List<Wanted> members = new ArrayList<>();
        long start = 0;
        long end = 0;
        for (Wanted w : sorted) {
            boolean joins = !members.isEmpty() && w.offset() - end <= maxGap
                    && Math.max(end, w.end()) - start <= maxSize;
            if (!joins && !members.isEmpty()) {
                out.add(new Group(start, end - start, members));
                members = new ArrayList<>();
            }
            if (members.isEmpty()) {
                start = w.offset();
                end = w.end();
            } else {
                end = Math.max(end, w.end());
            }
            members.add(w);
        }
        if (!members.isEmpty()) {
            out.add(new Group(start, end - start, members));
        }
        return out;
    }
}
