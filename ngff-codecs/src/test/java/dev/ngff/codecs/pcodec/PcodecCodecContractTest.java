package dev.ngff.codecs.pcodec;

import dev.ngff.codec.ArrayToBytesCodec;
import dev.ngff.codec.ArrayToBytesCodecContract;
import dev.ngff.metadata.DataType;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;

/** pcodec under the array-to-bytes contract, on every type it stores (bitwise lossless, any shape). */
class PcodecCodecContractTest extends ArrayToBytesCodecContract {

    @BeforeAll
    static void needsLibrary() {
        PcodecCodecTest.needsLibrary();
    }

    @Override
    protected ArrayToBytesCodec codec() throws Exception {
        return new PcodecCodec("numcodecs.pcodec", PcodecCodec.Config.DEFAULT);
    }

    @Override
    protected List<DataType> dataTypes() {
        return List.of(DataType.INT16, DataType.INT32, DataType.INT64, DataType.UINT16, DataType.UINT32, DataType.UINT64,
                DataType.FLOAT16, DataType.FLOAT32, DataType.FLOAT64, DataType.COMPLEX64, DataType.COMPLEX128);
    }
}
