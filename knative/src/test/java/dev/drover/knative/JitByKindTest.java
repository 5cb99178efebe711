package dev.drover.knative;

import io.fabric8.kubernetes.api.model.EnvVar;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JIT by kind (ADR 0018, "The JIT by kind"): a process that scales to zero keeps the image's C1-only flag, which
 * makes it ready sooner; one that is always on (a Deployment, or a Knative Service with min-scale at least 1) starts
 * once and serves for days, so it runs full tiered compilation, which served about twice the reads per CPU. The
 * manifests choose with {@code _JAVA_OPTIONS}, which the JVM reads after the image's command line; this checks what
 * the JVM makes of each image's real entrypoint flags and each workload's environment, with this JDK.
 */
class JitByKindTest {
    /** What an always-on workload sets in {@code _JAVA_OPTIONS}: the JVM's default tier limit, full tiered compilation. */
    static final String ALWAYS_ON = "-XX:TieredStopAtLevel=4";
    /** Images built in this reactor before this module, by name: their entrypoints are read from their image tarballs. */
    private static final Map<String, String> MODULES = Map.of("drover-functions", "../functions/app",
                                                              "drover-reads", "../functions/reads",
                                                              "drover-writes", "../functions/writes",
                                                              "drover-history-reads", "../functions/history-reads",
                                                              "drover-console", "../functions/console",
                                                              "drover-runs", "../functions/runs",
                                                              "drover-workflows", "../workflows",
                                                              "drover-pg-credential-rotation", "../migrators/pg-credential-rotation");
    private static final Pattern LEVEL = Pattern.compile("intx TieredStopAtLevel\\s*=\\s*(\\d+)");
    private static final Map<List<String>, Integer> LEVELS = new HashMap<>();

    static List<Manifests> rendered() {
        return Manifests.all();
    }

    @ParameterizedTest
    @MethodSource("rendered")
    void alwaysOnProcessesCompileWithC2AndTheRestWithC1Only(Manifests manifests) throws Exception {
        int started = 0;
        for (Workload workload : Workload.all(manifests)) {
            boolean alwaysOn = workload.alwaysOn();
            // The JIT's part of _JAVA_OPTIONS; the rest picks an AOT cache (CatalogManifestTest), whose file is in the image only.
            Optional<String> options = workload.env("_JAVA_OPTIONS").map(EnvVar::getValue)
                    .map(value -> java.util.Arrays.stream(value.trim().split("\\s+")).filter(o -> !o.startsWith("-XX:AOTCache=")).collect(java.util.stream.Collectors.joining(" ")))
                    .filter(value -> !value.isEmpty());
            String kind = alwaysOn ? " is always on" : " scales to zero";
            assertEquals(alwaysOn ? Optional.of(ALWAYS_ON) : Optional.empty(), options, manifests + ": " + workload + kind);
            String module = MODULES.get(imageName(workload.container().getImage()));
            if (module != null) {
                int level = tieredStopAtLevel(ImageConfigTest.entrypoint(Manifests.ROOT.resolve(module)), options,
                                              workload.env("JAVA_TOOL_OPTIONS").map(EnvVar::getValue));
                assertEquals(alwaysOn ? 4 : 1, level, manifests + ": " + workload + kind + ": the JVM's TieredStopAtLevel");
                started++;
            }
        }
        assertTrue(started > 10, manifests + ": the functions and the worker were checked on their images' flags");
    }

    /** "registry.example.com/drover/drover-functions:0.1.0" → "drover-functions". */
    static String imageName(String image) {
        String last = image.substring(image.lastIndexOf('/') + 1);
        return last.replaceAll("[:@].*", "");
    }

    /** The tier limit this JDK settles on for the image's flags under the workload's environment (one JVM per combination). */
    private static int tieredStopAtLevel(List<String> entrypoint, Optional<String> javaOptions, Optional<String> toolOptions)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String flag : entrypoint.subList(1, entrypoint.indexOf("-cp"))) {
            if (!flag.startsWith("-XX:AOTCache=")) { // the cache's file is in the image only (AotCacheTest starts with it)
                command.add(flag);
            }
        }
        command.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));
        List<String> key = new ArrayList<>(command);
        key.add("_JAVA_OPTIONS=" + javaOptions.orElse(""));
        key.add("JAVA_TOOL_OPTIONS=" + toolOptions.orElse(""));
        Integer known = LEVELS.get(key);
        if (known != null) {
            return known;
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        for (String variable : List.of("_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS")) {
            builder.environment().remove(variable);
        }
        javaOptions.ifPresent(v -> builder.environment().put("_JAVA_OPTIONS", v));
        toolOptions.ifPresent(v -> builder.environment().put("JAVA_TOOL_OPTIONS", v));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(1, TimeUnit.MINUTES), "java -version returns");
        assertEquals(0, process.exitValue(), command + ": " + output);
        Matcher m = LEVEL.matcher(output);
        assertTrue(m.find(), "TieredStopAtLevel in " + output);
        int level = Integer.parseInt(m.group(1));
        LEVELS.put(key, level);
        return level;
    }
}
