package dev.ngff.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Compares directory trees file by file, byte by byte, for the crash and concurrency tests. */
final class CopyTrees {
    private CopyTrees() {
    }

    /** Every regular file below {@code root} by relative path ('/'-separated), with its bytes. */
    static TreeMap<String, byte[]> files(Path root) {
        TreeMap<String, byte[]> out = new TreeMap<>();
        if (!Files.exists(root)) {
            return out;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** True when both trees hold the same files with the same bytes. */
    static boolean identical(TreeMap<String, byte[]> a, TreeMap<String, byte[]> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (var e : a.entrySet()) {
            if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * What makes two trees differ, for failure messages: files only in {@code actual}, files only in
     * {@code expected}, and files in both whose bytes differ (with both sizes); empty when identical.
     */
    static String differences(TreeMap<String, byte[]> actual, TreeMap<String, byte[]> expected) {
        List<String> extra = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        for (var e : actual.entrySet()) {
            byte[] want = expected.get(e.getKey());
            if (want == null) {
                extra.add(e.getKey());
            } else if (!Arrays.equals(e.getValue(), want)) {
                changed.add(e.getKey() + " (" + e.getValue().length + " bytes, expected " + want.length + ")");
            }
        }
        List<String> missing = expected.keySet().stream().filter(k -> !actual.containsKey(k)).toList();
        StringBuilder out = new StringBuilder();
        if (!extra.isEmpty()) {
            out.append(" unexpected files ").append(extra);
        }
        if (!missing.isEmpty()) {
            out.append(" missing files ").append(missing);
        }
        if (!changed.isEmpty()) {
            out.append(" differing files ").append(changed);
        }
        return out.toString().strip();
    }

    /** Asserts that {@code actual} holds exactly the files of {@code expected}, byte for byte. */
    static void assertIdentical(Path actual, TreeMap<String, byte[]> expected, String what) {
        TreeMap<String, byte[]> got = files(actual);
        assertThat(got.keySet()).as(what + ": files").containsExactlyElementsOf(expected.keySet());
        List<String> differing = new ArrayList<>();
        for (var e : expected.entrySet()) {
            if (!Arrays.equals(e.getValue(), got.get(e.getKey()))) {
                differing.add(e.getKey());
            }
        }
        assertThat(differing).as(what + ": files whose bytes differ").isEmpty();
    }

    /** Names of temporary files of interrupted writes below {@code root}. */
    static List<String> tempFiles(Path root) {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".tmp-")).map(Path::toString).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies a directory tree. */
    static void copy(Path from, Path to) throws java.io.IOException {
        try (var paths = java.nio.file.Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (java.nio.file.Files.isDirectory(p)) {
                    java.nio.file.Files.createDirectories(t);
                } else {
                    java.nio.file.Files.copy(p, t);
                }
            }
        }
    }

    static void delete(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
