package dev.ngff.conformance;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The README's API tour compiles against the code: every {@code ```java} block of its "API tour" section is
 * wrapped in a method of a class that imports every package the published modules export, and compiled with
 * the JDK's compiler on this module's test class path (core, codecs, s3, validate). The snippets are compiled,
 * not run (they name paths and URLs of the reader's). Later snippets continue the first one: the names the
 * tour uses without declaring them are fields of the wrapper, typed as the first snippet declares them.
 */
class ReadmeApiTourTest {
    private static final String SECTION = "## API tour";
    private static final Pattern EXPORTS = Pattern.compile("^\\s*exports\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);

    /** The names the tour's snippets use without declaring them. */
    private static final String GIVENS = """
                ExecutionContext ctx;
                Store store;
                ArrayMetadata meta;
                NdBuffer plane;
                abstract NdBuffer frame(long t);
            """;

    record Snippet(int index, int readmeLine, String code) {
        String className() {
            return "ReadmeTourSnippet" + index;
        }
    }

    @Test
    void apiTourSnippetsCompile(@TempDir Path classes) throws IOException {
        Path root = repoRoot();
        List<Snippet> snippets = tourSnippets(Files.readString(root.resolve("README.md")));
        assertThat(snippets).as("```java blocks in README.md's '%s' section", SECTION).isNotEmpty();
        List<String> packages = exportedPackages(root);
        assertThat(packages).as("packages exported by the modules' module-info.java under %s", root).isNotEmpty();

        StringBuilder imports = new StringBuilder();
        for (String p : List.of("java.io", "java.nio.file", "java.util")) {
            imports.append("import ").append(p).append(".*;\n");
        }
        for (String p : packages) {
            imports.append("import ").append(p).append(".*;\n");
        }
        String head = imports + "@SuppressWarnings(\"all\")\nabstract class %s {\n" + GIVENS + "    void tour() throws Exception {\n";
        int headLines = (int) head.lines().count();

        List<JavaFileObject> sources = new ArrayList<>();
        for (Snippet s : snippets) {
            sources.add(new Source(s.className(), head.formatted(s.className()) + s.code() + "\n    }\n}\n"));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("the JDK's compiler (tests run on a JDK, not a JRE)").isNotNull();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StringWriter compilerOut = new StringWriter();
        boolean ok = javac.getTask(compilerOut, null, diagnostics,
                List.of("-classpath", classPath, "-d", classes.toString(), "-proc:none", "-implicit:none"),
                null, sources).call();

        List<String> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() != Diagnostic.Kind.ERROR) {
                continue;
            }
            Snippet s = snippets.stream().filter(x -> d.getSource() != null
                    && d.getSource().getName().endsWith(x.className() + ".java")).findFirst().orElse(null);
            long line = d.getLineNumber() - headLines; // 1-based within the snippet; 0 or less: the wrapper's imports
            String where = s == null ? "the wrapper"
                    : line < 1 ? "the wrapper of snippet " + s.index()
                    : "snippet " + s.index() + " (README.md line " + (s.readmeLine() + line - 1) + ")";
            errors.add("README.md API tour, " + where + ": " + d.getMessage(Locale.ROOT).lines().findFirst().orElse(""));
        }
        if (!ok || !errors.isEmpty()) {
            fail(errors.size() + " compile error(s) in README.md's API tour:\n" + String.join("\n", errors)
                    + (compilerOut.toString().isBlank() ? "" : "\n" + compilerOut));
        }
        System.out.println("README.md API tour: " + snippets.size() + " snippets compile against "
                + packages.size() + " exported packages");
    }

    /** The ```java blocks between the tour's heading and the next level-2 heading, with their README line. */
    static List<Snippet> tourSnippets(String readme) {
        List<String> lines = readme.lines().toList();
        int start = lines.indexOf(SECTION);
        assertThat(start).as("README.md has a '%s' heading", SECTION).isNotNegative();
        List<Snippet> snippets = new ArrayList<>();
        StringBuilder code = null;
        int codeLine = 0;
        for (int i = start + 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (code == null && line.startsWith("## ")) {
                break;
            }
            String fence = line.strip();
            if (code == null && fence.equals("```java")) {
                code = new StringBuilder();
                codeLine = i + 2; // 1-based line of the block's first line of code
            } else if (code != null && fence.equals("```")) {
                snippets.add(new Snippet(snippets.size() + 1, codeLine, code.toString()));
                code = null;
            } else if (code != null) {
                code.append(line).append('\n');
            }
        }
        assertThat(code).as("the last ```java block of the API tour is closed").isNull();
        return snippets;
    }

    /** Every package that a module's src/main/java/module-info.java under the root exports, sorted. */
    static List<String> exportedPackages(Path root) throws IOException {
        TreeSet<String> packages = new TreeSet<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path info : modules.map(m -> m.resolve("src/main/java/module-info.java")).filter(Files::isRegularFile).toList()) {
                Matcher m = EXPORTS.matcher(Files.readString(info));
                while (m.find()) {
                    packages.add(m.group(1));
                }
            }
        }
        return List.copyOf(packages);
    }

    private static Path repoRoot() {
        String env = System.getenv("NGFF_REPO_ROOT");
        Path root = (env != null ? Path.of(env) : Path.of("").toAbsolutePath().getParent()).toAbsolutePath().normalize();
        assertThat(root.resolve("README.md")).as("README.md at the repository root (NGFF_REPO_ROOT)").isRegularFile();
        return root;
    }

    private static final class Source extends SimpleJavaFileObject {
        private final String code;

        Source(String className, String code) {
            super(URI.create("string:///" + className + ".java"), Kind.SOURCE);
            this.code = code;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }
}
