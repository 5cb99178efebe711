package dev.drover.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

/**
 * A function image's layout as the build's AOT training leaves it beside the image's jar ({@code target/aot}, written by
 * {@code functions/src/aot/AotTraining.java}): the jars under {@code app/} as Jib lays them out under {@code /app}, the
 * image's class path ({@code classpath.txt}), the flags the caches were trained with ({@code flags.txt}), the caches
 * themselves ({@code image/<name>.aot}) and which functions each was trained on ({@code caches.txt}: {@code
 * <name>.aot=f1,f2}, an empty list for every function). A process started on that class path with the cache of its
 * function's kind starts as that function's Knative Service does.
 */
record ImageLayout(String classPath, String mainClass, Path cache) {
    static ImageLayout of(Path aot, String function) throws IOException {
        if (!Files.isRegularFile(aot.resolve("caches.txt")) || !Files.isRegularFile(aot.resolve("classpath.txt"))) {
            throw new IllegalArgumentException(aot + " holds no trained image layout: build the image's module without "
                                                       + "-Ddrover.aot.skip=true (local/bench/README.md, \"Cold start\")");
        }
        String name = Files.readAllLines(aot.resolve("caches.txt")).stream()
                .map(String::strip)
                .filter(line -> line.endsWith("=") || Arrays.asList(line.substring(line.indexOf('=') + 1).split(",")).contains(function))
                .map(line -> line.substring(0, line.indexOf('=')))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no cache in " + aot + " was trained on " + function));
        Path cache = aot.resolve("image").resolve(name);
        if (!Files.isRegularFile(cache)) {
            throw new IllegalArgumentException(aot + " holds no trained image layout: build the image's module without "
                                                       + "-Ddrover.aot.skip=true (local/bench/README.md, \"Cold start\")");
        }
        List<String> trainedWith = Files.readAllLines(aot.resolve("flags.txt")).stream()
                .map(String::strip).filter(line -> !line.isEmpty()).toList();
        if (!trainedWith.equals(ColdStartBench.IMAGE_FLAGS)) {
            throw new IllegalArgumentException("the cache in " + aot + " was trained with " + trainedWith + ", not the flags measured "
                                                       + ColdStartBench.IMAGE_FLAGS);
        }
        String root = aot.resolve("app").toAbsolutePath() + "/";
        List<String> jars = Arrays.stream(Files.readString(aot.resolve("classpath.txt")).strip().split(":"))
                .map(p -> p.startsWith("/app/") ? root + p.substring("/app/".length()) : p)
                .toList();
        String mainClass;
        try (JarFile project = new JarFile(jars.getFirst())) {
            mainClass = project.getManifest().getMainAttributes().getValue("Main-Class");
        }
        return new ImageLayout(jars.stream().collect(Collectors.joining(":")), mainClass, cache);
    }
}
