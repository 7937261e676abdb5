package dev.ngff.s3.internal;

import dev.ngff.error.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Lists open multipart uploads page by page and aborts the abandoned ones, pass after pass, until every
 * upload that a pass could have missed has been looked at again.
 *
 * <p>Why passes: {@code ListMultipartUploads} pages by two markers, the key and the upload id after which the
 * next page starts, and a page can end between two uploads of one key. Servers differ in how they honour the
 * upload-id marker (S3Mock 5.2 ignores it and resumes after the whole key, skipping that key's remaining
 * uploads; others may not honour the page size at all), so one walk through the pages can miss uploads. A
 * pass that went past one page and aborted something is therefore followed by another, until a pass
 * aborts nothing or lists everything in one page. Each pass follows the markers that the spec defines:
 * {@code NextKeyMarker} and {@code NextUploadIdMarker}, or the last listed upload where a truncated page
 * names no markers; a marker pair seen before ends the pass (a server that repeats itself would otherwise
 * page forever). The sweep itself never retries a request: the lister and the aborter run under the
 * store's retry policy.
 *
 * <p>Not thread-safe; one sweep runs on the calling thread.
 */
public final class UploadSweep {
    private static final Logger LOG = LoggerFactory.getLogger(UploadSweep.class);

    /** One upload as a listing names it. */
    public record Upload(String objectKey, String uploadId, Instant initiated) {
        public Upload {
            Objects.requireNonNull(objectKey, "objectKey");
            Objects.requireNonNull(uploadId, "uploadId");
        }
    }

    /**
     * One page of a listing.
     *
     * @param nextKeyMarker where the next page starts, or null where the server named none
     * @param nextUploadIdMarker together with the key marker, or null
     */
    public record Page(List<Upload> uploads, boolean truncated, String nextKeyMarker, String nextUploadIdMarker) {
        public Page {
            uploads = List.copyOf(uploads);
        }
    }

    /** Lists one page of the uploads whose keys start with {@code prefix} ("" for all), after the markers (null for the first page). */
    @FunctionalInterface
    public interface Lister {
        Page list(String prefix, String keyMarker, String uploadIdMarker) throws IOException;
    }

    /** What the aborter did with one listed upload. */
    public enum Outcome {
        /** Not abandoned (or not below the node): left alone. */
        KEPT,
        /** Aborted now. */
        ABORTED,
        /** Abandoned, but gone by the time it was aborted (completed or aborted meanwhile). */
        GONE
    }

    /** Aborts one listed upload if it is abandoned; a failure to abort ends the sweep. */
    @FunctionalInterface
    public interface Aborter {
        Outcome abortIfAbandoned(Upload upload) throws IOException;
    }

    /** What one pass found. */
    private record Pass(int listed, int aborted, int handled, boolean paged) {
    }

    private UploadSweep() {
    }

    /**
     * Sweeps the uploads below {@code prefix}. When a listing with a non-empty prefix finds nothing, the
     * uploads are listed without one, in this pass and the next (MinIO lists uploads under a prefix only when
     * the prefix is a whole object key); the aborter picks those that belong.
     *
     * @param maxPasses the most passes before giving up (at least 1)
     * @param what the store and node, the start of the error message, e.g.
     *     {@code "s3://bucket/prefix: aborting the unfinished multipart uploads below 'a'"}
     * @return how many uploads were aborted
     * @throws StoreException (a one-line message starting with {@code what}) when uploads were still being
     *     aborted in the last of {@code maxPasses} passes; uploads already aborted stay aborted
     * @throws IOException what the lister or the aborter threw
     */
    public static int sweep(String prefix, Lister lister, Aborter aborter, int maxPasses, String what) throws IOException {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(lister, "lister");
        Objects.requireNonNull(aborter, "aborter");
        if (maxPasses < 1) {
            throw new IllegalArgumentException("an upload sweep needs at least one pass, got " + maxPasses);
        }
        String listing = prefix;
        int aborted = 0;
        for (int n = 1; n <= maxPasses; n++) {
            Pass pass = pass(listing, lister, aborter);
            if (pass.listed == 0 && !listing.isEmpty()) {
                listing = "";
                pass = pass(listing, lister, aborter);
            }
            aborted += pass.aborted;
            if (pass.handled == 0 || !pass.paged) {
                return aborted;
            }
        }
        throw new StoreException(what + ": multipart uploads were still being aborted after " + maxPasses
                + " passes of listing and aborting (" + aborted + " aborted); is another writer uploading there?");
    }

    private static Pass pass(String prefix, Lister lister, Aborter aborter) throws IOException {
        int listed = 0;
        int aborted = 0;
        int handled = 0;
        boolean paged = false;
        String keyMarker = null;
        String idMarker = null;
        Set<String> markersSeen = new HashSet<>();
        while (true) {
            Page page = lister.list(prefix, keyMarker, idMarker);
            for (Upload u : page.uploads()) {
                listed++;
                switch (aborter.abortIfAbandoned(u)) {
                    case ABORTED -> {
                        aborted++;
                        handled++;
                    }
                    case GONE -> handled++;
                    case KEPT -> {
                    }
                }
            }
            if (!page.truncated()) {
                return new Pass(listed, aborted, handled, paged);
            }
            paged = true;
            String nextKey = page.nextKeyMarker();
            String nextId = page.nextUploadIdMarker();
            if (nextKey == null && !page.uploads().isEmpty()) {
                Upload last = page.uploads().getLast();
                nextKey = last.objectKey();
                nextId = last.uploadId();
            }
            if (nextKey == null || !markersSeen.add(nextKey + '\n' + nextId)) {
                LOG.warn("listing multipart uploads below '{}': a truncated page named no new position to go on from"
                        + " (key marker '{}'); this pass ends there", prefix, nextKey);
                return new Pass(listed, aborted, handled, true);
            }
            keyMarker = nextKey;
            idMarker = nextId;
        }
    }
}
