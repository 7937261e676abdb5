package dev.ngff.codecs.gdeflate;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
 * Without the native library (a child JVM whose {@code NGFF_PCO_LIBRARY} names a missing file, as a build
 * without cargo leaves it), gdeflate reports itself unavailable with the cause, the registry does not list
 * it, and making the codec fails with an error that names the library.
 */
class GdeflateUnavailableTest {

    /** Runs in the child JVM: prints what a user would see. */
    public static void main(String[] args) {
        System.out.println("available=" + GdeflateCodec.isAvailable());
        System.out.println("cause=" + GdeflateCodec.unavailabilityCause().orElse(""));
        System.out.println("listed=" + CodecRegistry.standard().supports("zarrs.gdeflate"));
        try {
            CodecRegistry.standard().create(new CodecSpec("zarrs.gdeflate", JsonNodeFactory.instance.objectNode().put("level", 5)));
            System.out.println("created");
        } catch (UnsupportedExtensionException e) {
            System.out.println("error=" + e.getMessage());
        } catch (Exception e) {
            System.out.println("other=" + e);
        }
        try {
            new GdeflateCodec(5);
            System.out.println("constructed");
        } catch (UnsupportedExtensionException e) {
            System.out.println("constructor=" + e.getMessage());
        }
    }

    @Test
    void missingLibraryIsReportedAndNamed() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), GdeflateUnavailableTest.class.getName()));
        pb.environment().put("NGFF_PCO_LIBRARY", "/nonexistent/libngff_pco.so");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as(out).contains("available=false").contains("listed=false")
                .contains("cause=cannot load the native library libngffpco.so from NGFF_PCO_LIBRARY=/nonexistent/libngff_pco.so")
                .contains("error=unsupported codec 'zarrs.gdeflate': needs dev.ngff:ngff-codecs built with its native library libngffpco.so")
                .contains("constructor=zarrs.gdeflate needs the native library libngffpco.so (gdeflate): cannot load");
    }
}
