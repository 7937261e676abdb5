package dev.ngff.s3.internal;

import dev.ngff.error.StoreException;
import dev.ngff.s3.internal.UploadSweep.Outcome;
import dev.ngff.s3.internal.UploadSweep.Page;
import dev.ngff.s3.internal.UploadSweep.Upload;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link UploadSweep} against in-memory upload listings that page the way real servers do: by the spec's
 * key and upload-id markers (AWS), resuming after the whole key and ignoring the upload-id marker
 * (S3Mock 5.2.0, read from its {@code MultipartService}), ignoring the page size (MinIO), and ignoring the
 * markers altogether (a broken server).
 */
class UploadSweepTest {

    /** How a server pages. */
    enum Paging { SPEC, AFTER_WHOLE_KEY, ONE_PAGE, IGNORES_MARKERS }

    /** Open uploads of a bucket, listed in pages; counts the listing requests. */
    static final class FakeServer implements UploadSweep.Lister {
        private final Paging paging;
        private final int pageSize;
        private final boolean listsUnderPartialPrefixes;
        final List<Upload> open = new ArrayList<>(); // in initiation order
        int listings;
        private int started;

        FakeServer(Paging paging, int pageSize, boolean listsUnderPartialPrefixes) {
            this.paging = paging;
            this.pageSize = pageSize;
            this.listsUnderPartialPrefixes = listsUnderPartialPrefixes;
        }

        Upload start(String key) {
            started++;
            // ids that do not sort in initiation order, as on S3
            Upload u = new Upload(key, Integer.toHexString((started * 0x9E3779B1) >>> 4), Instant.ofEpochSecond(started));
            open.add(u);
            return u;
        }

        /**
         * Sorted by key, then by upload id on a server that follows the spec's upload-id marker (which selects
         * the ids lexicographically greater), else by initiation time.
         */
        private List<Upload> sorted(String prefix) {
            List<Upload> out = new ArrayList<>();
            for (Upload u : open) {
                boolean wholeKeyOrEmpty = prefix.isEmpty() || open.stream().anyMatch(o -> o.objectKey().equals(prefix));
                if (u.objectKey().startsWith(prefix) && (listsUnderPartialPrefixes || wholeKeyOrEmpty)) {
                    out.add(u);
                }
            }
            out.sort(Comparator.comparing(Upload::objectKey).thenComparing(
                    paging == Paging.SPEC ? Comparator.comparing(Upload::uploadId) : Comparator.comparing(Upload::initiated)));
            return out;
        }

        @Override
        public Page list(String prefix, String keyMarker, String uploadIdMarker) {
            listings++;
            List<Upload> all = sorted(prefix);
            int from = 0;
            if (keyMarker != null && paging != Paging.IGNORES_MARKERS) {
                from = all.size();
                for (int i = 0; i < all.size(); i++) {
                    Upload u = all.get(i);
                    int c = u.objectKey().compareTo(keyMarker);
                    if (c > 0) {
                        from = i;
                        break;
                    }
                    if (c == 0 && paging == Paging.SPEC && uploadIdMarker != null && u.uploadId().compareTo(uploadIdMarker) > 0) {
                        from = i;
                        break;
                    }
                }
            }
            List<Upload> rest = all.subList(from, all.size());
            if (paging == Paging.ONE_PAGE || rest.size() <= pageSize) {
                return new Page(rest, false, null, null);
            }
            List<Upload> page = rest.subList(0, pageSize);
            Upload last = page.getLast();
            return new Page(page, true, last.objectKey(), last.uploadId());
        }

        /** An aborter that aborts the uploads whose key {@code abandoned} accepts, and fails a test that aborts one twice. */
        UploadSweep.Aborter aborter(Predicate<String> abandoned, List<Upload> aborted) {
            return u -> {
                if (!abandoned.test(u.objectKey())) {
                    return Outcome.KEPT;
                }
                assertThat(aborted).as("aborted once").doesNotContain(u);
                if (!open.remove(u)) {
                    return Outcome.GONE;
                }
                aborted.add(u);
                return Outcome.ABORTED;
            };
        }
    }

    @Test
    void followsTheSpecsMarkersThroughEveryPageInOnePassAndConfirmsWithASecond() throws IOException {
        FakeServer s = new FakeServer(Paging.SPEC, 2, true);
        for (String k : List.of("a/0", "a/0", "a/0", "a/1", "b/0", "b/0", "c/0")) {
            s.start(k);
        }
        List<Upload> aborted = new ArrayList<>();
        int n = UploadSweep.sweep("", s, s.aborter(k -> true, aborted), 10, "s3://b/p: aborting");
        assertThat(n).isEqualTo(7);
        assertThat(s.open).isEmpty();
        assertThat(s.listings).as("4 pages, then one empty page that aborts nothing").isEqualTo(5);
    }

    @Test
    void aServerThatResumesAfterTheWholeKeyLosesNoUpload() throws IOException {
        FakeServer s = new FakeServer(Paging.AFTER_WHOLE_KEY, 2, true);
        for (String k : List.of("a/0", "a/0", "a/0", "a/1", "b/0", "b/0", "c/0")) {
            s.start(k);
        }
        UploadSweep.Lister onePassOnly = s; // what one walk through the pages sees: 5 of the 7, as on S3Mock
        int seen = 0;
        String key = null;
        String id = null;
        while (true) {
            Page p = onePassOnly.list("", key, id);
            seen += p.uploads().size();
            if (!p.truncated()) {
                break;
            }
            key = p.nextKeyMarker();
            id = p.nextUploadIdMarker();
        }
        assertThat(seen).as("one walk through the pages of this server").isEqualTo(5);

        List<Upload> aborted = new ArrayList<>();
        assertThat(UploadSweep.sweep("", s, s.aborter(k -> true, aborted), 10, "s3://b/p: aborting")).isEqualTo(7);
        assertThat(s.open).isEmpty();
    }

    @Test
    void aServerThatIgnoresThePageSizeIsListedOnce() throws IOException {
        FakeServer s = new FakeServer(Paging.ONE_PAGE, 2, true);
        for (String k : List.of("a/0", "a/0", "a/0", "b/0")) {
            s.start(k);
        }
        List<Upload> aborted = new ArrayList<>();
        assertThat(UploadSweep.sweep("", s, s.aborter(k -> true, aborted), 10, "x")).isEqualTo(4);
        assertThat(s.listings).as("one page listed everything: nothing to walk again").isEqualTo(1);
    }

    @Test
    void aServerThatRepeatsItsMarkersEndsThePassInsteadOfPagingForever() throws IOException {
        FakeServer s = new FakeServer(Paging.IGNORES_MARKERS, 2, true);
        for (String k : List.of("live/0", "live/1", "live/2", "x/0", "x/1")) {
            s.start(k);
        }
        List<Upload> aborted = new ArrayList<>();
        int n = UploadSweep.sweep("", s, s.aborter(k -> k.startsWith("x/"), aborted), 10, "x");
        assertThat(n).as("the uploads past the first page are out of reach on such a server").isZero();
        assertThat(s.listings).as("the first page, then the same page again").isEqualTo(2);
        assertThat(s.open).hasSize(5);
    }

    @Test
    void whenThePrefixListsNothingTheWholeBucketIsListedAndTheAborterPicks() throws IOException {
        FakeServer s = new FakeServer(Paging.SPEC, 2, false); // lists under a prefix only when it is a whole key
        for (String k : List.of("p/a/0", "p/a/0", "p/b/0", "q/a/0")) {
            s.start(k);
        }
        List<Upload> aborted = new ArrayList<>();
        assertThat(UploadSweep.sweep("p/", s, s.aborter(k -> k.startsWith("p/"), aborted), 10, "x")).isEqualTo(3);
        assertThat(s.open).extracting(Upload::objectKey).containsExactly("q/a/0");
    }

    @Test
    void uploadsThatKeepAppearingEndInAOneLineErrorNamingTheStore() {
        FakeServer s = new FakeServer(Paging.SPEC, 1, true);
        s.start("a/0");
        s.start("a/1");
        List<Upload> aborted = new ArrayList<>();
        UploadSweep.Aborter rogue = s.aborter(k -> true, aborted);
        UploadSweep.Aborter restarting = u -> {
            // another writer starts two uploads for every one aborted, on keys that sort before the listing's
            // position, so that each pass finds the ones the pass before started
            Outcome o = rogue.abortIfAbandoned(u);
            s.start("0" + u.objectKey());
            s.start("0" + u.objectKey() + "x");
            return o;
        };
        assertThatThrownBy(() -> UploadSweep.sweep("", s, restarting, 3,
                "s3://bucket/prefix: aborting the unfinished multipart uploads below 'a'"))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("s3://bucket/prefix: aborting the unfinished multipart uploads below 'a': ")
                .hasMessageContaining("after 3 passes")
                .hasMessageNotContaining("\n");
    }

    @Test
    void failuresOfTheListerOrAborterPassThrough() {
        UploadSweep.Lister failing = (p, k, i) -> {
            throw new StoreException("s3://b: listing failed: HTTP 403 AccessDenied");
        };
        assertThatThrownBy(() -> UploadSweep.sweep("", failing, u -> Outcome.KEPT, 10, "x"))
                .hasMessage("s3://b: listing failed: HTTP 403 AccessDenied");
        assertThatThrownBy(() -> UploadSweep.sweep("", failing, u -> Outcome.KEPT, 0, "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Random buckets: every abandoned upload is aborted exactly once and every kept one stays, whatever the
     * server's paging, the page size and how many uploads share a key.
     */
    @Test
    void everyAbandonedUploadIsAbortedOnceAndNoOtherWhateverThePaging() throws IOException {
        long seed = new Random().nextLong();
        System.out.println("UploadSweepTest seed " + seed);
        Random r = new Random(seed);
        for (int trial = 0; trial < 300; trial++) {
            Paging paging = List.of(Paging.SPEC, Paging.AFTER_WHOLE_KEY, Paging.ONE_PAGE).get(r.nextInt(3));
            int pageSize = 1 + r.nextInt(5);
            FakeServer s = new FakeServer(paging, pageSize, true);
            Set<String> live = new HashSet<>();
            int keys = r.nextInt(12);
            List<String> all = new ArrayList<>();
            for (int k = 0; k < keys; k++) {
                String key = (r.nextBoolean() ? "live/" : "gone/") + r.nextInt(6) + "/c/" + k;
                if (key.startsWith("live/")) {
                    live.add(key);
                }
                for (int u = 1 + r.nextInt(5); u > 0; u--) {
                    all.add(key);
                }
            }
            java.util.Collections.shuffle(all, r); // uploads of one key started at different times
            all.forEach(s::start);
            long abandoned = all.stream().filter(k -> !live.contains(k)).count();
            List<Upload> aborted = new ArrayList<>();
            String what = "trial " + trial + " (seed " + seed + ", " + paging + ", pages of " + pageSize + ")";
            int n = UploadSweep.sweep("", s, s.aborter(k -> !live.contains(k), aborted), 10, what);
            assertThat(n).as(what).isEqualTo(abandoned);
            assertThat(s.open).as(what).allMatch(u -> live.contains(u.objectKey()))
                    .hasSize(all.size() - (int) abandoned);
        }
    }
}
