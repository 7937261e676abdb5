package dev.ngff.testing;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The property runner itself: failures name seed, case and input; a seed replays its inputs; edges come first. */
class PropertiesTest {

    private static List<Integer> draws(long seed, int cases) {
        List<Integer> seen = new ArrayList<>();
        Properties.run("draws", cases, seed, g -> g.intIn(0, 1_000_000), seen::add, null);
        return seen;
    }

    @Test
    void aFailingCaseNamesThePropertySeedCaseAndInput() {
        Throwable t = catchThrowable(() -> Properties.run("demo", 500, 42, g -> g, g -> {
            int v = g.intIn(0, 1000);
            assertThat(v).as("v").isLessThan(900);
        }, Gen::draws));
        assertThat(t).isInstanceOf(AssertionError.class)
                .hasMessageMatching("property demo failed on case \\d+ of 500, seed 42 \\(rerun with -Dngff\\.seed=42\\);"
                        + " input: int\\[0\\.\\.1000\\]=(9\\d\\d|1000); \\[v\\] .*")
                .hasCauseInstanceOf(AssertionError.class);
        assertThat(t.getMessage()).doesNotContain("\n");
    }

    @Test
    void aGeneratedInputIsNamedByItsText() {
        assertThatThrownBy(() -> Properties.run("bytes", 10, 1, g -> g.bytes(3, 3), b -> {
            throw new IllegalStateException("boom");
        }, null)).hasMessageMatching("property bytes failed on case 0 of 10, seed 1 .*; input: byte\\[3\\] [0-9a-f]{6}; boom");
    }

    @Test
    void aSeedReplaysEveryCase() {
        assertThat(draws(7, 300)).isEqualTo(draws(7, 300)).isNotEqualTo(draws(8, 300)).hasSize(300);
    }

    @Test
    void edgesComeFirstAndRecur() {
        List<Integer> seen = draws(3, 1000);
        assertThat(seen.get(0)).isZero();
        assertThat(seen.get(1)).isEqualTo(1_000_000);
        List<Integer> later = seen.subList(2, seen.size());
        assertThat(later).contains(0, 1, 999_999, 1_000_000).allMatch(v -> v >= 0 && v <= 1_000_000);
        assertThat(later.stream().distinct().count()).isGreaterThan(800);
    }

    @Test
    void anAbortIsNotAFailure() {
        assertThatThrownBy(() -> Properties.run("skip", 10, 1, g -> g, g -> {
            throw new TestAbortedException("library absent");
        }, Gen::draws)).isExactlyInstanceOf(TestAbortedException.class).hasMessage("library absent");
    }

    @Test
    void namesOfNestedClassesKeepTheirOuterClass() {
        class Inner {
        }
        assertThat(Properties.name(PropertiesTest.class, "m")).isEqualTo("PropertiesTest.m");
        assertThat(Properties.name(Inner.class, "m")).isEqualTo("PropertiesTest.1Inner.m");
    }
}
