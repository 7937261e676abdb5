/** The ngff-engine core: stores, Zarr metadata, arrays, the codec SPI and the pure-JDK codecs. */
module dev.ngff.core {
    requires transitive com.fasterxml.jackson.databind;
    requires transitive java.net.http;

    exports dev.ngff.acquire;
    exports dev.ngff.array;
    exports dev.ngff.buffer;
    exports dev.ngff.cache;
    exports dev.ngff.codec;
    exports dev.ngff.codec.std;
    exports dev.ngff.error;
    exports dev.ngff.exec;
    exports dev.ngff.metadata;
    exports dev.ngff.metadata.ome;
    exports dev.ngff.ome;
    exports dev.ngff.pyramid;
    exports dev.ngff.store;
    exports dev.ngff.write;

    uses dev.ngff.codec.CodecProvider;
    uses dev.ngff.store.StoreProvider;
    provides dev.ngff.codec.CodecProvider with dev.ngff.codec.std.CoreCodecProvider;
}
