package dev.ngff.s3.internal;

import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * Collects a GET body into one array of exactly the announced {@code Content-Length}, which must not
 * exceed what the request can legitimately return ({@code limit}); so a hostile or broken server cannot
 * make us allocate more than we asked for. A body that ends short of its {@code Content-Length}, or
 * runs past it, fails with {@link IncompleteBodyException} (retryable): truncated data is never
 * returned. One instance per attempt.
 *
 * <p>With a target ({@link #into}), the body goes straight into the caller's array at an offset instead
 * (one part of a read split into parallel ranged requests): the limit is then the room there, and the
 * result's {@link Body#data()} is the target itself with {@link Body#size()} bytes written. A retried
 * attempt simply writes the same place again.
 */
public final class BodyCollector implements AsyncResponseTransformer<GetObjectResponse, BodyCollector.Body> {

    /**
     * A received response and its complete body: {@code data} holds exactly the body, or, for a collector
     * made with {@link #into}, is the caller's target with the body's {@code size} bytes at its offset.
     */
    public record Body(GetObjectResponse response, byte[] data, int size) {
        public Body(GetObjectResponse response, byte[] data) {
            this(response, data, data.length);
        }
    }

    /** A body that ended early or ran long: the connection broke or the server lied about the length. */
    public static final class IncompleteBodyException extends RuntimeException {
        public IncompleteBodyException(String message) {
            super(message);
        }
    }

    /** The announced length exceeds what was asked for: not retryable. */
    public static final class OversizedBodyException extends RuntimeException {
        public OversizedBodyException(String message) {
            super(message);
        }
    }

    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final long limit;
    private final byte[] target;
    private final int targetOffset;
    private volatile CompletableFuture<Body> future;
    private volatile GetObjectResponse response;

    /** @param limit the most bytes the request can return (range length, or 2 GiB for open-ended reads) */
    public BodyCollector(long limit) {
        this.limit = Math.min(limit, MAX_ARRAY);
        this.target = null;
        this.targetOffset = 0;
    }

    private BodyCollector(byte[] target, int offset, int length) {
        if (offset < 0 || length < 0 || offset > target.length - length) {
            throw new IllegalArgumentException("target slice offset=" + offset + " length=" + length
                    + " outside an array of " + target.length);
        }
        this.limit = length;
        this.target = target;
        this.targetOffset = offset;
    }

    /** A collector that writes the body into {@code target[offset, offset + length)}; longer bodies fail. */
    public static BodyCollector into(byte[] target, int offset, int length) {
        return new BodyCollector(target, offset, length);
    }

    @Override
    public CompletableFuture<Body> prepare() {
        future = new CompletableFuture<>();
        return future;
    }

    @Override
    public void onResponse(GetObjectResponse r) {
        this.response = r;
    }

    @Override
    public void onStream(SdkPublisher<ByteBuffer> publisher) {
        Long announced = response.contentLength();
        if (announced != null && (announced < 0 || announced > limit)) {
            future.completeExceptionally(new OversizedBodyException("server announced a body of " + announced
                    + " bytes where at most " + limit + " were asked for"));
            publisher.subscribe(new CancelAll());
            return;
        }
        publisher.subscribe(new Collect(announced == null ? -1 : announced));
    }

    @Override
    public void exceptionOccurred(Throwable error) {
        CompletableFuture<Body> f = future;
        if (f != null) {
            f.completeExceptionally(error);
        }
    }

    private final class Collect implements Subscriber<ByteBuffer> {
        private final long expected;
        private byte[] data;
        private int size;

        Collect(long expected) {
            this.expected = expected;
            this.data = target != null ? null
                    : new byte[(int) Math.max(0, expected < 0 ? Math.min(limit, 64 << 10) : expected)];
        }

        private Subscription subscription;

        @Override
        public void onSubscribe(Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(ByteBuffer buffer) {
            int n = buffer.remaining();
            if ((long) size + n > (expected >= 0 ? expected : limit)) {
                future.completeExceptionally(new IncompleteBodyException("body ran past "
                        + (expected >= 0 ? "its Content-Length of " + expected : "the " + limit + " bytes asked for")));
                return;
            }
            if (target != null) {
                if (future.isDone()) {
                    // this attempt already failed (timed out, aborted): a retry may be writing the same place now
                    subscription.cancel();
                    return;
                }
                buffer.get(target, targetOffset + size, n);
                size += n;
                return;
            }
            if (size + n > data.length) {
                data = Arrays.copyOf(data, (int) Math.min(limit, Math.max((long) size + n, 2L * data.length)));
            }
            buffer.get(data, size, n);
            size += n;
        }

        @Override
        public void onError(Throwable t) {
            future.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            if (expected >= 0 && size != expected) {
                future.completeExceptionally(new IncompleteBodyException("body ended after " + size
                        + " of its " + expected + " bytes"));
                return;
            }
            future.complete(target != null ? new Body(response, target, size)
                    : new Body(response, size == data.length ? data : Arrays.copyOf(data, size)));
        }
    }

    private static final class CancelAll implements Subscriber<ByteBuffer> {
        @Override
        public void onSubscribe(Subscription s) {
            s.cancel();
        }

        @Override
        public void onNext(ByteBuffer b) {
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onComplete() {
        }
    }
}
