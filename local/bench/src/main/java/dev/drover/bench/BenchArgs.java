package dev.drover.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** What the harnesses share: their settings ({@code name=value} arguments over system properties), jars and free ports. */
final class BenchArgs {
    private BenchArgs() {
    }

    /**
     * System properties, then the {@code name=value} arguments over them; any other argument ends the harness with exit
     * status 2 and {@code example} as the hint.
     */
    static Map<String, String> parse(String[] args, String example) {
        Map<String, String> props = new HashMap<>();
        System.getProperties().forEach((k, v) -> props.put(k.toString(), v.toString()));
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 1) {
                System.err.println("arguments are name=value, e.g. " + example);
                System.exit(2);
            }
            props.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return props;
    }

    /** The jar {@code name} names (else {@code fallback}, the build's output); ends the harness with 2 when it is missing. */
    static Path jar(Map<String, String> props, String name, String fallback, String readmeSection) {
        Path jar = Path.of(props.getOrDefault(name, fallback));
        if (!Files.isRegularFile(jar)) {
            System.err.println(jar + " is missing: build it first (local/bench/README.md, \"" + readmeSection + "\")");
            System.exit(2);
        }
        return jar;
    }

    /**
     * The jar of the image that runs {@code function} on Knative ({@code Catalog.image}): the read functions' own, the
     * write functions' own, the history functions' own, the run functions' own, the console's, or that of every function; {@code functionsJar=...} overrides it.
     */
    static Path functionsJar(Map<String, String> props, String function, String readmeSection) {
        String image = dev.drover.functions.Catalog.image(function);
        String module = switch (image) {
            case "drover-reads" -> "functions/reads";
            case "drover-writes" -> "functions/writes";
            case "drover-history-reads" -> "functions/history-reads";
            case "drover-console" -> "functions/console";
            case "drover-runs" -> "functions/runs";
            default -> "functions/app";
        };
        return jar(props, "functionsJar", module + "/target/" + image + "-0.1.0-SNAPSHOT.jar", readmeSection);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
