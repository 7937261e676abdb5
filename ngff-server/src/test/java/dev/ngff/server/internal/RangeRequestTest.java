package dev.ngff.server.internal;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RangeRequestTest {

    @Test
    void parsesTheThreeFormsAndClips() {
        assertThat(RangeRequest.parse("bytes=0-9", 100)).isEqualTo(new RangeRequest.Part(0, 10));
        assertThat(RangeRequest.parse("bytes=90-", 100)).isEqualTo(new RangeRequest.Part(90, 100));
        assertThat(RangeRequest.parse("bytes=-10", 100)).isEqualTo(new RangeRequest.Part(90, 100));
        assertThat(RangeRequest.parse("bytes=-1000", 100)).isEqualTo(new RangeRequest.Part(0, 100));
        assertThat(RangeRequest.parse("bytes=50-1000", 100)).isEqualTo(new RangeRequest.Part(50, 100));
        assertThat(RangeRequest.parse("BYTES = 1-1", 100)).isEqualTo(new RangeRequest.Whole());
        assertThat(RangeRequest.parse("bytes= 1-1", 100)).isEqualTo(new RangeRequest.Part(1, 2));
    }

    @Test
    void severalRangesSortedWithTheUnsatisfiableDropped() {
        assertThat(RangeRequest.parse("bytes=50-59, 0-1,-5", 100)).isEqualTo(new RangeRequest.Parts(List.of(
                new RangeRequest.Part(0, 2), new RangeRequest.Part(50, 60), new RangeRequest.Part(95, 100))));
        assertThat(RangeRequest.parse("bytes=0-1,500-", 100)).as("one satisfiable left").isEqualTo(new RangeRequest.Part(0, 2));
    }

    @Test
    void unsatisfiableAndIgnored() {
        assertThat(RangeRequest.parse("bytes=100-", 100)).isEqualTo(new RangeRequest.Unsatisfiable());
        assertThat(RangeRequest.parse("bytes=-0", 100)).isEqualTo(new RangeRequest.Unsatisfiable());
        assertThat(RangeRequest.parse("bytes=0-0", 0)).isEqualTo(new RangeRequest.Unsatisfiable());
        assertThat(RangeRequest.parse(null, 100)).isEqualTo(new RangeRequest.Whole());
        assertThat(RangeRequest.parse("bytes=5-1", 100)).isEqualTo(new RangeRequest.Whole());
        assertThat(RangeRequest.parse("bytes=0-1,1-4", 100)).as("overlapping").isEqualTo(new RangeRequest.Whole());
        assertThat(RangeRequest.parse("bytes=0-1,a-4", 100)).isEqualTo(new RangeRequest.Whole());
        assertThat(RangeRequest.parse("bytes=" + "1-1,".repeat(17) + "3-3", 100)).as("too many").isEqualTo(new RangeRequest.Whole());
        assertThat(RangeRequest.parse("bytes=0-299999,300000-", 1 << 20)).as("too much").isEqualTo(new RangeRequest.Whole());
        assertThat(RangeRequest.parse("bytes=200-,300-", 100)).isEqualTo(new RangeRequest.Unsatisfiable());
        assertThat(RangeRequest.parse("bytes=+1-2", 100)).isEqualTo(new RangeRequest.Whole());
        assertThat(RangeRequest.parse("bytes=99999999999999999999-", 100)).isEqualTo(new RangeRequest.Whole());
        assertThat(RangeRequest.parse("lines=1-2", 100)).isEqualTo(new RangeRequest.Whole());
    }
}
