package dev.ngff.s3;

import dev.ngff.store.ReadableStore;
import dev.ngff.store.Store;
import dev.ngff.store.StoreProvider;

import java.util.Set;

/** Opens {@code s3://} locations for {@link dev.ngff.store.Stores} (see {@link S3Uris} for the options). */
public final class S3StoreProvider implements StoreProvider {

    @Override
    public Set<String> schemes() {
        return Set.of("s3");
    }

    @Override
    public ReadableStore open(String location) {
        return S3Store.open(location);
    }

    @Override
    public Store openWritable(String location) {
        return S3Store.open(location);
    }
}
