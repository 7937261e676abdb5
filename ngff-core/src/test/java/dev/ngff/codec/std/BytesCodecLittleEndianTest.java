package dev.ngff.codec.std;

import dev.ngff.codec.ArrayToBytesCodec;
import dev.ngff.codec.ArrayToBytesCodecContract;

/** The little-endian {@code bytes} codec (a zero-copy view) under the array-to-bytes contract. */
class BytesCodecLittleEndianTest extends ArrayToBytesCodecContract {
    @Override
    protected ArrayToBytesCodec codec() {
        return BytesCodec.littleEndian();
    }
}
