package dev.ngff.server;

import dev.ngff.buffer.Bytes;
import dev.ngff.s3.S3Store;
import dev.ngff.s3.S3TestServer;
import dev.ngff.store.Key;
import dev.ngff.store.ReadableStore;

import java.io.IOException;
import java.nio.file.Path;

/** The HTTP rules over an S3 prefix, on the in-process S3Mock server (a real S3 HTTP server). */
class S3ServeTest extends ServeSuite {

    @Override
    ReadableStore makeStore(Path scratch) throws IOException {
        S3Store s3 = S3Store.open(S3TestServer.freshLocation(), S3TestServer.options().build());
        for (var e : OBJECTS.entrySet()) {
            s3.write(Key.of(e.getKey()), Bytes.wrap(e.getValue()));
        }
        return s3;
    }

    @Override
    boolean hasLastModified() {
        return false;
    }
}
