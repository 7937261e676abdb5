package dev.ngff.cli;

import dev.ngff.array.Zarr;
import dev.ngff.array.ZarrArray;
import dev.ngff.buffer.NdBuffer;
import dev.ngff.exec.ExecutionContext;
import dev.ngff.s3.S3Location;
import dev.ngff.s3.S3Store;
import dev.ngff.s3.S3TestServer;
import dev.ngff.store.FileSystemStore;
import dev.ngff.store.Key;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ngff copy} and {@code ngff info} with s3:// sources and targets, against S3Mock on 127.0.0.1. */
class S3CommandsTest {
    @TempDir
    Path dir;

    private ExecutionContext ctx;

    @BeforeEach
    void context() {
        ctx = ExecutionContext.create();
    }

    @AfterEach
    void close() {
        ctx.close();
    }

    private static String uri(S3Location where) {
        return where + "?endpoint=" + S3TestServer.endpoint() + "&anonymous=true";
    }

    @Test
    void copyToS3InfoFromS3AndCopyBack() throws IOException {
        Path sample = dir.resolve("sample.zarr");
        Cli.Result r = Cli.run("sample", sample, "--plain", "--shape", "16,96,80", "--chunks", "8,32,32", "--seed", "3");
        assertThat(r.code()).as(r.err()).isZero();
        NdBuffer data = Zarr.openArray(FileSystemStore.open(sample), Key.ROOT, ctx).read();

        S3Location remote = S3TestServer.freshLocation();
        Cli.Result up = Cli.run("copy", sample, uri(remote), "--chunks", "4,32,40", "--shards", "8,96,80", "--codec", "gzip");
        assertThat(up.code()).as(up.err()).isZero();
        assertThat(up.out()).contains(", 2 chunks, ");

        try (S3Store s3 = S3Store.open(remote, S3TestServer.options().build())) {
            assertThat(s3.list(Key.ROOT)).contains(Key.of("zarr.json"), Key.of("c/0/0/0"), Key.of("c/1/0/0"));
            ZarrArray onS3 = Zarr.openArray(s3, Key.ROOT, ctx);
            assertThat(onS3.read().contentEquals(data)).isTrue();
        }

        Cli.Result info = Cli.run("info", uri(remote));
        assertThat(info.code()).as(info.err()).isZero();
        assertThat(info.out()).contains("/ (array, zarr v3)", "shape         16x96x80", "chunks        4x32x40",
                "shards        8x96x80", "stored        2 of 2 shards");

        Path back = dir.resolve("back.zarr");
        Cli.Result down = Cli.run("copy", uri(remote), back, "--zarr-format", "2");
        assertThat(down.code()).as(down.err()).isZero();
        assertThat(Zarr.openArray(FileSystemStore.open(back), Key.ROOT, ctx).read().contentEquals(data)).isTrue();
    }

    @Test
    void s3ToS3CopyAndOverwriteRules() throws IOException {
        Path sample = dir.resolve("s.zarr");
        assertThat(Cli.run("sample", sample, "--plain", "--shape", "40,30", "--chunks", "16,16", "--seed", "9").code()).isZero();
        S3Location a = S3TestServer.freshLocation();
        S3Location b = S3TestServer.freshLocation();
        assertThat(Cli.run("copy", sample, uri(a)).code()).isZero();
        Cli.Result c = Cli.run("copy", uri(a), uri(b), "--zarr-format", "2");
        assertThat(c.code()).as(c.err()).isZero();
        Cli.Result again = Cli.run("copy", uri(a), uri(b));
        assertThat(again.code()).isNotZero();
        assertThat(again.err()).contains("is not empty", "--overwrite");
        assertThat(Cli.run("copy", uri(a), uri(b), "--overwrite").code()).isZero();
    }

    @Test
    void malformedS3LocationsAreUsageErrors() {
        Cli.Result r = Cli.run("info", "s3://Bad_Bucket/x?endpoint=" + S3TestServer.endpoint());
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("invalid S3 bucket name 'Bad_Bucket'");
        Cli.Result u = Cli.run("info", "s3://ngff-test/x?colour=blue");
        assertThat(u.code()).isNotZero();
        assertThat(u.err()).contains("unknown S3 option 'colour'");
    }
}
