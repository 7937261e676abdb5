package dev.ngff.codecs.pcodec;

import dev.ngff.codec.CodecRegistry;
import dev.ngff.error.UnsupportedExtensionException;
import dev.ngff.metadata.CodecSpec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without the native library (here: a JVM whose {@code NGFF_PCO_LIBRARY} names a missing file, as a build
 * without cargo leaves it), pcodec reports itself unavailable with the cause, the registry does not list it,
 * and making the codec fails with an error that names the missing library.
 */
class PcodecUnavailableTest {

    /** Runs in the child JVM: prints what a user would see. */
    public static void main(String[] args) {
        System.out.println("available=" + PcodecCodec.isAvailable());
        System.out.println("cause=" + PcodecCodec.unavailabilityCause().orElse(""));
        System.out.println("listed=" + CodecRegistry.standard().supports("numcodecs.pcodec"));
        try {
            CodecRegistry.standard().create(new CodecSpec("numcodecs.pcodec",
                    com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()));
            System.out.println("created");
        } catch (UnsupportedExtensionException e) {
            System.out.println("error=" + e.getMessage());
        } catch (Exception e) {
            System.out.println("other=" + e);
        }
    }

    @Test
    void missingLibraryIsReportedAndNamed() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), PcodecUnavailableTest.class.getName()));
        pb.environment().put("NGFF_PCO_LIBRARY", "/nonexistent/libngff_pco.so");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as(out).contains("available=false").contains("listed=false")
                .contains("cause=cannot load the native library libngffpco.so from NGFF_PCO_LIBRARY=/nonexistent/libngff_pco.so")
                .containsPattern("error=.*numcodecs\\.pcodec.*needs .*pcodec library");
    }
}
