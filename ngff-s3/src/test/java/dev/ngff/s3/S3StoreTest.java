package dev.ngff.s3;

import dev.ngff.buffer.Bytes;
import dev.ngff.store.Key;
import dev.ngff.store.Store;
import dev.ngff.store.StoreContract;

import java.util.Map;

/** The full store contract against a real S3 server (S3Mock on 127.0.0.1). */
class S3StoreTest extends StoreContract {

    @Override
    protected Store createStore(Map<Key, byte[]> contents) throws Exception {
        S3Store s = S3Store.open(S3TestServer.freshLocation(), S3TestServer.options().build());
        for (Map.Entry<Key, byte[]> e : contents.entrySet()) {
            s.write(e.getKey(), Bytes.wrap(e.getValue()));
        }
        return s;
    }
}
