package dev.ngff.cli;

import dev.ngff.convert.CodecChoice;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.codec.CodecRegistry;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.metadata.CodecSpec;
import dev.ngff.metadata.Json;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import dev.ngff.testing.PeerPython;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code ngff copy --codec} with every codec it offers: each copy reads back to the source's values here, its
 * metadata names the codecs asked for, and zarr-python (the peers' venv) reads each copy to the same values
 * (all but pcodec, which zarr-python 3.1.3 cannot open). The peer part skips loudly without the venv and fails
 * under CI.
 */
class CopyCodecsTest {
    @TempDir
    Path dir;
    private final ExecutionContext ctx = ExecutionContext.create();

    @AfterEach
    void close() {
        ctx.close();
    }

    /** {@code --codec} value, Zarr format, the codec names the copy's chain must hold after its array-to-bytes codec. */
    record Case(String codec, int format, List<String> names) {
    }

    private static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        for (int f : new int[] {2, 3}) {
            c.add(new Case("none", f, List.of()));
            c.add(new Case("gzip", f, List.of("gzip")));
            c.add(new Case("gzip:9", f, List.of("gzip")));
            c.add(new Case("zlib:1", f, List.of("numcodecs.zlib")));
            c.add(new Case("zstd:7:true", f, List.of("zstd")));
            c.add(new Case("zstd:level=-3", f, List.of("zstd")));
            c.add(new Case("blosc", f, List.of("blosc")));
            c.add(new Case("blosc:zstd:5:bitshuffle", f, List.of("blosc")));
            c.add(new Case("blosc:cname=lz4hc,clevel=9,shuffle=noshuffle", f, List.of("blosc")));
            c.add(new Case("blosc:blosclz:3:shuffle:4096", f, List.of("blosc")));
            c.add(new Case("blosc:zlib:1", f, List.of("blosc")));
            c.add(new Case("lz4", f, List.of("numcodecs.lz4")));
            c.add(new Case("lz4:acceleration=8", f, List.of("numcodecs.lz4")));
            c.add(new Case("bz2:5", f, List.of("numcodecs.bz2")));
            c.add(new Case("lzma", f, List.of("numcodecs.lzma")));
            c.add(new Case("xz:1", f, List.of("numcodecs.lzma")));
            c.add(new Case("shuffle+zstd", f, List.of("numcodecs.shuffle", "zstd")));
            c.add(new Case("zstd:3+crc32c", f, List.of("zstd", "crc32c")));
            c.add(new Case("crc32", f, List.of("numcodecs.crc32")));
            c.add(new Case("adler32", f, List.of("numcodecs.adler32")));
            c.add(new Case("fletcher32", f, List.of("numcodecs.fletcher32")));
        }
        if (CodecRegistry.standard().supports("numcodecs.pcodec")) {
            c.add(new Case("pcodec", 3, List.of()));
            c.add(new Case("pcodec:level=4+crc32c", 3, List.of("crc32c")));
            c.add(new Case("pcodec:12", 2, List.of()));
        } else {
            System.err.println("*** CopyCodecsTest: no pcodec cases, this build has no native pcodec library ***");
        }
        return c;
    }

    private static String sha256(NdBuffer b) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(b.segment().asByteBuffer());
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void everyCodecRoundTripsAndZarrPythonReadsIt() throws Exception {
        Path src = dir.resolve("src.zarr");
        Cli.Result s = Cli.run("sample", src, "--plain", "--shape", "6,50,70", "--chunks", "3,32,32", "--codec", "none");
        assertThat(s.code()).as(s.err()).isZero();
        NdBuffer expected = Zarr.openArray(FileSystemStore.open(src), Key.ROOT, ctx).read();
        String sha = sha256(expected);
        Map<String, Case> peerCases = new LinkedHashMap<>();
        List<Case> cases = cases();
        for (int k = 0; k < cases.size(); k++) {
            Case c = cases.get(k);
            Path out = dir.resolve("copy" + k + ".zarr");
            Cli.Result r = Cli.run("copy", src, out, "--zarr-format", String.valueOf(c.format()), "--codec", c.codec());
            assertThat(r.code()).as(c + ": " + r.err()).isZero();
            ZarrArray a = Zarr.openArray(FileSystemStore.open(out), Key.ROOT, ctx);
            assertThat(a.read().contentEquals(expected)).as(c.toString()).isTrue();
            List<String> names = new ArrayList<>();
            boolean afterSerializer = false;
            for (CodecSpec spec : a.metadata().codecs()) {
                if (afterSerializer) {
                    names.add(spec.name());
                }
                afterSerializer |= spec.name().equals("bytes") || spec.name().equals("numcodecs.pcodec");
            }
            assertThat(names).as(c.toString()).isEqualTo(c.names());
            if (!c.codec().startsWith("pcodec")) {
                peerCases.put(out.toString(), c);
            }
        }
        Path python = PeerPython.require("COPY CODECS PEER TEST");
        Path script = dir.resolve("read.py");
        Files.writeString(script, """
                import sys, json, hashlib, warnings
                import numpy as np, zarr
                warnings.simplefilter("ignore")
                out = {}
                for p in sys.argv[1:]:
                    try:
                        a = zarr.open_array(p, mode="r")[:]
                        out[p] = hashlib.sha256(np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes()).hexdigest()
                    except Exception as e:
                        out[p] = "error: %s: %s" % (type(e).__name__, e)
                print(json.dumps(out))
                """);
        List<String> cmd = new ArrayList<>(List.of(python.toString(), script.toString()));
        cmd.addAll(peerCases.keySet());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).isZero();
        JsonNode report = Json.parse(stdout, "read.py output");
        List<String> wrong = new ArrayList<>();
        peerCases.forEach((path, c) -> {
            String got = report.path(path).asText();
            if (!got.equals(sha)) {
                wrong.add("--zarr-format " + c.format() + " --codec " + c.codec() + ": " + got);
            }
        });
        assertThat(wrong).as("copies zarr-python does not read to the source's values").isEmpty();
    }

    @Test
    void syntaxAndErrors() {
        assertThat(CodecChoice.parse("blosc:zstd:5:bitshuffle")).isEqualTo(CodecChoice.parse("blosc:cname=zstd,clevel=5,shuffle=bitshuffle"));
        assertThat(CodecChoice.parse("blosc:zstd:5:bitshuffle").toString()).isEqualTo("blosc:cname=zstd,clevel=5,shuffle=bitshuffle");
        assertThat(CodecChoice.parse("none").parts()).isEmpty();
        assertThat(CodecChoice.parse("ZSTD:3+CRC32C").toString()).isEqualTo("zstd:level=3+crc32c");
        for (String[] bad : new String[][] {{"lz5", "unknown codec 'lz5'"}, {"gzip:10", "gzip level must be in 0..9"},
                {"zstd:3:maybe", "checksum"}, {"blosc:snappy", "snappy decodes only"}, {"blosc:zstd:5:sideways", "shuffle"},
                {"blosc:cname=zstd,5", "in order"}, {"crc32c:1", "takes no settings"}, {"zstd:level=3,level=4", "twice"},
                {"zstd+pcodec", "must come first"}, {"lz4:speed=3", "no setting 'speed'"}, {"bz2:x", "must be an integer"}}) {
            assertThatThrownBy(() -> new CodecChoiceConverter().convert(bad[0])).as(bad[0])
                    .isInstanceOf(CommandLine.TypeConversionException.class)
                    .hasMessageContaining("--codec '" + bad[0] + "'")
                    .hasMessageContaining(bad[1]);
        }
        Cli.Result help = Cli.run("copy", "--help");
        assertThat(help.out()).contains("  blosc:zstd:5:bitshuffle\n", "blosc[:cname lz4|lz4hc|blosclz|zstd|zlib (zstd)", "pcodec[:level");
    }
}
