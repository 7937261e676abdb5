/**
 * Codecs that need a native or third-party compressor. Registered with the core's
 * {@link dev.ngff.codec.CodecRegistry} through {@link java.util.ServiceLoader}: putting this module (or
 * jar) next to {@code dev.ngff.core} is all it takes for arrays that name these codecs to open.
 */
module dev.ngff.codecs {
    requires transitive dev.ngff.core;
    requires com.github.luben.zstd_jni;
    requires org.apache.commons.compress;
    requires org.tukaani.xz;

    exports dev.ngff.codecs;
    exports dev.ngff.codecs.numcodecs;

    provides dev.ngff.codec.CodecProvider with dev.ngff.codecs.ZstdCodecProvider,
            dev.ngff.codecs.numcodecs.NumcodecsCodecProvider;
}
