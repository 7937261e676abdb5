package dev.ngff.store;

import dev.ngff.buffer.Bytes;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The writer that {@link FileSystemStoreTest} kills: streams 3 MiB into an upload of {@code args[1]} in the
 * file store at {@code args[0]}, prints {@code appended}, and waits to be killed with the upload open.
 */
public final class FileUploadMain {
    private FileUploadMain() {
    }

    public static void main(String[] args) throws Exception {
        FileSystemStore store = FileSystemStore.open(Path.of(args[0]));
        ObjectUpload u = store.openUpload(Key.of(args[1]));
        byte[] piece = new byte[1 << 20];
        for (int i = 0; i < 3; i++) {
            Arrays.fill(piece, (byte) i);
            u.append(Bytes.wrap(piece.clone()));
        }
        System.out.println("appended");
        System.out.flush();
        Thread.sleep(600_000); // killed here, the upload neither committed nor aborted
    }
}
