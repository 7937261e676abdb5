package dev.ngff.codec;

import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.CodecSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CodecRegistryTest {

    /** A provider that counts how often it is asked for its names (asking may load a native library). */
    private static final class Counting implements CodecProvider {
        final Set<String> names;
        final AtomicInteger asked = new AtomicInteger();
        final String tag;

        Counting(String tag, String... names) {
            this.tag = tag;
            this.names = Set.of(names);
        }

        @Override
        public Set<String> names() {
            asked.incrementAndGet();
            return names;
        }

        @Override
        public Codec create(CodecSpec spec, CodecRegistry registry) throws UnsupportedExtensionException {
            throw new UnsupportedExtensionException("made by " + tag);
        }
    }

    @Test
    void asksLaterProvidersOnlyWhenAnEarlierOneDoesNotAnswer() {
        Counting first = new Counting("first", "a", "shared");
        Counting second = new Counting("second", "b", "shared");
        CodecRegistry registry = CodecRegistry.of(List.of(first, second));

        assertThat(registry.supports("a")).isTrue();
        assertThat(first.asked).hasValue(1);
        assertThat(second.asked).hasValue(0);

        assertThat(registry.supports("b")).isTrue();
        assertThat(registry.supports("a")).isTrue();
        assertThat(first.asked).hasValue(1);
        assertThat(second.asked).hasValue(1);
    }

    @Test
    void firstProviderOfANameWins() {
        CodecRegistry registry = CodecRegistry.of(List.of(new Counting("first", "shared"), new Counting("second", "shared", "b")));
        assertThat(registry.supports("b")).isTrue();
        assertThatThrownBy(() -> registry.create(CodecSpec.of("shared"))).hasMessage("made by first");
    }

    @Test
    void namesAsksEveryProviderAndUnknownNamesFailWithAHint() {
        Counting first = new Counting("first", "a");
        Counting second = new Counting("second", "b");
        CodecRegistry registry = CodecRegistry.of(List.of(first, second));
        assertThat(registry.names()).containsExactly("a", "b");
        assertThat(registry.supports("zfp")).isFalse();
        assertThatThrownBy(() -> registry.create(CodecSpec.of("zfp")))
                .isInstanceOf(UnsupportedExtensionException.class)
                .hasMessageContaining("unsupported codec 'zfp'");
        assertThat(first.asked).hasValue(1);
        assertThat(second.asked).hasValue(1);
    }

    @Test
    void standardRegistryReadsCoreCodecs() {
        assertThat(CodecRegistry.standard().supports("bytes")).isTrue();
        assertThat(CodecRegistry.standard().names()).contains("bytes", "sharding_indexed");
    }
}
