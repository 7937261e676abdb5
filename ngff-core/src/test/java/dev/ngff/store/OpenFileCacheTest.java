package dev.ngff.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link OpenFileCache}: bounded (least recently used out, and closed), a channel of another file key
 * is never handed out, nothing is closed under a reader's lease, and close closes everything.
 */
class OpenFileCacheTest {
    @TempDir
    Path dir;

    private FileChannel open(String name) throws IOException {
        Path p = dir.resolve(name);
        if (!Files.exists(p)) {
            Files.write(p, new byte[] {1, 2, 3});
        }
        return FileChannel.open(p, StandardOpenOption.READ);
    }

    @Test
    void keepsAtMostCapacityAndClosesTheLeastRecentlyUsed() throws IOException {
        OpenFileCache cache = new OpenFileCache(3);
        List<FileChannel> channels = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            FileChannel ch = open("f" + i);
            channels.add(ch);
            cache.offer(dir.resolve("f" + i), ch, "key" + i).close();
            if (i == 2) {
                cache.lease(dir.resolve("f0"), "key0").close(); // f0 used last: f1 goes first
            }
        }
        assertThat(cache.size()).isEqualTo(3);
        assertThat(channels.get(1).isOpen()).as("least recently used, pushed out").isFalse();
        assertThat(channels.get(2).isOpen()).as("pushed out second").isFalse();
        assertThat(channels.get(0).isOpen()).isTrue();
        assertThat(channels.get(3).isOpen()).isTrue();
        assertThat(channels.get(4).isOpen()).isTrue();
        assertThat(cache.lease(dir.resolve("f1"), "key1")).isNull();
        cache.close();
        assertThat(channels).noneMatch(FileChannel::isOpen);
        assertThat(cache.size()).isZero();
    }

    @Test
    void anotherFileKeyAtThePathDropsTheCachedChannel() throws IOException {
        OpenFileCache cache = new OpenFileCache(4);
        FileChannel ch = open("a");
        cache.offer(dir.resolve("a"), ch, "inode-1").close();
        assertThat(cache.lease(dir.resolve("a"), "inode-2")).as("the path now holds another file").isNull();
        assertThat(ch.isOpen()).isFalse();
        assertThat(cache.lease(dir.resolve("a"), "inode-1")).as("dropped for good").isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    void aLeasedChannelClosesOnlyWhenReleased() throws IOException {
        OpenFileCache cache = new OpenFileCache(1);
        FileChannel a = open("a");
        OpenFileCache.Lease held = cache.offer(dir.resolve("a"), a, "a");
        OpenFileCache.Lease second = cache.lease(dir.resolve("a"), "a");
        cache.offer(dir.resolve("b"), open("b"), "b").close(); // pushes a out while two readers hold it
        assertThat(a.isOpen()).isTrue();
        held.close();
        held.close(); // a second release is ignored, it must not release the other reader's hold
        assertThat(a.isOpen()).isTrue();
        second.close();
        assertThat(a.isOpen()).isFalse();

        FileChannel c = open("c");
        OpenFileCache.Lease inUse = cache.offer(dir.resolve("c"), c, "c");
        cache.close();
        assertThat(c.isOpen()).as("in use when the cache closed").isTrue();
        inUse.close();
        assertThat(c.isOpen()).isFalse();
    }

    @Test
    void afterCloseNothingIsCachedAndLeasesCloseTheirChannel() throws IOException {
        OpenFileCache cache = new OpenFileCache(2);
        cache.close();
        FileChannel ch = open("a");
        OpenFileCache.Lease l = cache.offer(dir.resolve("a"), ch, "a");
        assertThat(cache.size()).isZero();
        assertThat(ch.isOpen()).isTrue();
        l.close();
        assertThat(ch.isOpen()).isFalse();
        FileChannel u = open("b");
        cache.uncached(u).close();
        assertThat(u.isOpen()).isFalse();
    }

    @Test
    void invalidateClosesAnIdleChannel() throws IOException {
        OpenFileCache cache = new OpenFileCache(2);
        FileChannel ch = open("a");
        cache.offer(dir.resolve("a"), ch, "a").close();
        cache.invalidate(dir.resolve("a"));
        assertThat(ch.isOpen()).isFalse();
        assertThat(cache.size()).isZero();
        cache.invalidate(dir.resolve("never"));
    }
}
