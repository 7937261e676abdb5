/**
 * Codecs that need a native or third-party compressor, and the shuffle kernels. Registered with the core's
 * {@link dev.ngff.codec.CodecRegistry} through {@link java.util.ServiceLoader}: putting this module (or
 * jar) next to {@code dev.ngff.core} is all it takes for arrays that name these codecs to open. The Vector
 * API module is optional: without {@code --add-modules jdk.incubator.vector} the kernels run in plain Java.
 */
module dev.ngff.codecs {
    requires transitive dev.ngff.core;
    requires com.github.luben.zstd_jni;
    requires org.apache.commons.compress;
    requires org.tukaani.xz;
    requires org.lz4.java;
    requires static jdk.incubator.vector;

    exports dev.ngff.codecs;
    exports dev.ngff.codecs.blosc;
    exports dev.ngff.codecs.gdeflate;
    exports dev.ngff.codecs.kernels;
    exports dev.ngff.codecs.lz4;
    exports dev.ngff.codecs.numcodecs;
    exports dev.ngff.codecs.pcodec;
    exports dev.ngff.codecs.shuffle;

    provides dev.ngff.codec.CodecProvider with dev.ngff.codecs.ZstdCodecProvider,
            dev.ngff.codecs.blosc.BloscCodecProvider,
            dev.ngff.codecs.gdeflate.GdeflateCodecProvider,
            dev.ngff.codecs.lz4.Lz4CodecProvider,
            dev.ngff.codecs.numcodecs.NumcodecsCodecProvider,
            dev.ngff.codecs.pcodec.PcodecCodecProvider,
            dev.ngff.codecs.shuffle.ShuffleCodecProvider;
}
