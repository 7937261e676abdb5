package dev.ngff.spark;

import java.util.List;

/**
 * The JVM options Spark 4 needs on JDK 25 (its launcher adds the same opens for its own JVMs; a driver started
 * with plain {@code java}, a test fork or an IDE must add them): {@code --add-opens} for the JDK internals
 * Spark's serializers and memory manager reach, and native access for Hadoop's and the codecs' libraries.
 * The module's surefire {@code argLine} and docs/spark.md list the same.
 */
public final class SparkFlags {
    private SparkFlags() {
    }

    /** Options for the {@code java} command line of a driver or executor JVM. */
    public static final List<String> JVM_OPTIONS = List.of(
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
            "-Djdk.reflect.useDirectMethodHandle=false",
            "-Dio.netty.tryReflectionSetAccessible=true",
            "--enable-native-access=ALL-UNNAMED");
}
