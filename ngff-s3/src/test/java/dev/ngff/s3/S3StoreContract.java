package dev.ngff.s3;

import dev.ngff.buffer.Bytes;
import dev.ngff.store.Key;
import dev.ngff.store.Store;
import dev.ngff.store.StoreContract;

import java.util.Map;

/** The core store contract for an {@link S3Store} on some test server, each test under a fresh prefix. */
abstract class S3StoreContract extends StoreContract {

    /** Options that reach the server. */
    protected abstract S3Options options();

    /** A location under a prefix no other test uses. */
    protected abstract S3Location freshLocation();

    @Override
    protected Store createStore(Map<Key, byte[]> contents) throws Exception {
        S3Store s = S3Store.open(freshLocation(), options());
        for (Map.Entry<Key, byte[]> e : contents.entrySet()) {
            s.write(e.getKey(), Bytes.wrap(e.getValue()));
        }
        return s;
    }

    /** ETags of single-PUT objects are content hashes: equal bytes, equal version. */
    @Override
    protected boolean versionChangesOnEqualRewrite() {
        return false;
    }
}
