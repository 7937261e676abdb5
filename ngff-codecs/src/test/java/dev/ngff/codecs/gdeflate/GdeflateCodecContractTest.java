package dev.ngff.codecs.gdeflate;

import dev.ngff.codec.BytesToBytesCodec;
import dev.ngff.codec.BytesToBytesCodecContract;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;

/** zarrs.gdeflate under the bytes-to-bytes contract, from stored (level 0) to strongest (level 12). */
class GdeflateCodecContractTest extends BytesToBytesCodecContract {

    @BeforeAll
    static void needsLibrary() {
        GdeflateCodecTest.needsLibrary();
    }

    @Override
    protected List<BytesToBytesCodec> codecs() throws Exception {
        return List.of(new GdeflateCodec(0), new GdeflateCodec(1), new GdeflateCodec(5), new GdeflateCodec(12));
    }
}
