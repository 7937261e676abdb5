package dev.ngff.server;

import dev.ngff.store.ReadableStore;
import dev.ngff.store.ZipStore;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** The HTTP rules over a zipped OME-Zarr ({@code .ozx}): chunks STORED, metadata DEFLATED, as such files are. */
class ZipServeTest extends ServeSuite {

    @Override
    ReadableStore makeStore(Path scratch) throws IOException {
        Path zip = scratch.resolve("image.ozx");
        try (OutputStream f = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(f)) {
            for (var e : OBJECTS.entrySet()) {
                ZipEntry entry = new ZipEntry("image.zarr/" + e.getKey());
                if (!e.getKey().endsWith("json") && !e.getKey().endsWith(".zarray")) {
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(e.getValue().length);
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    entry.setCrc(crc.getValue());
                }
                z.putNextEntry(entry);
                z.write(e.getValue());
                z.closeEntry();
            }
            z.putNextEntry(new ZipEntry("../secret.txt"));
            z.write("TOP-SECRET".getBytes());
            z.closeEntry();
        }
        return ZipStore.open(zip);
    }

    @Override
    boolean hasLastModified() {
        return true;
    }
}
