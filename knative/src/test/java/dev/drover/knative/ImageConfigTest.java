package dev.drover.knative;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.knative.serving.v1.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The images' configuration, read from what Jib really built: verify builds each image on the empty
 * base {@code scratch} into {@code target/image-config/image.tar} (no registry needed), with the same
 * entrypoint, user, ports and flags as the real image on the JRE base.
 */
class ImageConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The six images of functions: every function's, the read functions' own (ReadCatalog), the write functions'
     * (WriteCatalog), the history functions' (HistoryReadCatalog), the run functions' (RunCatalog), the console's
     * (ConsoleMain).
     */
    @ParameterizedTest
    @CsvSource({"functions/app, drover-functions, dev.drover.functions.Main",
                "functions/reads, drover-reads, dev.drover.functions.reads.ReadMain",
                "functions/writes, drover-writes, dev.drover.functions.writes.WriteMain",
                "functions/history-reads, drover-history-reads, dev.drover.functions.historyreads.HistoryReadMain",
                "functions/runs, drover-runs, dev.drover.functions.runs.RunMain",
                "functions/console, drover-console, dev.drover.console.ConsoleMain"})
    void theImagesOfFunctionsRunTheirMainAsNonRootOnTheManifestsPort(String module, String name, String main) throws Exception {
        JsonNode config = imageConfig(Manifests.ROOT.resolve("../" + module));
        List<String> entrypoint = strings(config.path("Entrypoint"));
        assertEquals("java", entrypoint.getFirst());
        assertEquals(main, entrypoint.getLast());
        Class.forName(entrypoint.getLast()); // the class exists
        assertFastStartFlags(entrypoint);
        assertNonRoot(config);

        List<String> ports = new ArrayList<>();
        config.path("ExposedPorts").fieldNames().forEachRemaining(ports::add);
        assertEquals(List.of("8080/tcp"), ports);
        assertTrue(strings(config.path("Env")).contains("DROVER_PORT=8080"), "the function listens where the image says");
        int services = 0;
        for (Service service : Manifests.base().knativeServices()) {
            if (service.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage().equals("drover/" + name)) {
                assertEquals(8080, CatalogManifestTest.containerPort(service), service.getMetadata().getName());
                services++;
            }
        }
        assertTrue(services > 0, "some Knative Service runs drover/" + name);
        assertEquals("drover/" + name + ":0.1.0-SNAPSHOT", repoTag(Manifests.ROOT.resolve("../" + module)),
                     "the manifests' image name (drover/" + name + ") is the one the build gives it");
    }

    @Test
    void theWorkerImageRunsWorkerMainAsNonRootAndListensNowhere() throws Exception {
        JsonNode config = imageConfig(Manifests.ROOT.resolve("../workflows"));
        List<String> entrypoint = strings(config.path("Entrypoint"));
        assertEquals("dev.drover.workflows.WorkerMain", entrypoint.getLast());
        Class.forName(entrypoint.getLast());
        assertFastStartFlags(entrypoint);
        assertNonRoot(config);
        assertTrue(config.path("ExposedPorts").isMissingNode() || config.path("ExposedPorts").isEmpty(),
                   "the worker serves nothing: " + config.path("ExposedPorts"));
        assertEquals("drover/drover-workflows", Manifests.base().deployments().getFirst().getSpec().getTemplate().getSpec()
                .getContainers().getFirst().getImage());
        assertEquals("drover/drover-workflows:0.1.0-SNAPSHOT", repoTag(Manifests.ROOT.resolve("../workflows")));
    }

    /** A migrator built in this reactor (a test dependency): its main, and the image name its manifest uses. */
    @Test
    void thePgCredentialRotationImageRunsItsAppAsNonRootOnTheManifestsPort() throws Exception {
        Path module = Manifests.ROOT.resolve("../migrators/pg-credential-rotation");
        JsonNode config = imageConfig(module);
        List<String> entrypoint = strings(config.path("Entrypoint"));
        assertEquals("dev.drover.migrators.pgrotation.PgRotationMigratorApp", entrypoint.getLast());
        Class.forName(entrypoint.getLast());
        assertFastStartFlags(entrypoint);
        assertNonRoot(config);
        List<String> ports = new ArrayList<>();
        config.path("ExposedPorts").fieldNames().forEachRemaining(ports::add);
        assertEquals(List.of("8080/tcp"), ports);
        Service service = Manifests.base().knativeService("pg-credential-rotation").orElseThrow();
        assertEquals(8080, CatalogManifestTest.containerPort(service));
        String image = service.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage();
        assertEquals(image + ":0.1.0-SNAPSHOT", repoTag(module), "the manifest's image name is the one the build gives it");
    }

    private static void assertFastStartFlags(List<String> entrypoint) {
        assertTrue(entrypoint.contains("-XX:+UseSerialGC"), entrypoint.toString());
        assertTrue(entrypoint.contains("-XX:TieredStopAtLevel=1"), entrypoint.toString());
        assertTrue(entrypoint.stream().anyMatch(f -> f.startsWith("-XX:MaxRAMPercentage=")), "the heap follows the memory limit");
    }

    private static void assertNonRoot(JsonNode config) {
        String user = config.path("User").asText();
        assertTrue(user.matches("\\d+:\\d+"), "numeric user:group, so Kubernetes can check runAsNonRoot: " + user);
        assertNotEquals("0", user.split(":")[0], "not root");
    }

    private static JsonNode imageConfig(Path module) throws IOException {
        Map<String, byte[]> tar = readTar(module);
        JsonNode manifest = JSON.readTree(tar.get("manifest.json")).get(0);
        return JSON.readTree(tar.get(manifest.get("Config").asText())).path("config");
    }

    static String repoTag(Path module) throws IOException {
        return JSON.readTree(readTar(module).get("manifest.json")).get(0).path("RepoTags").get(0).asText();
    }

    /** The small JSON entries of a Docker-format image tarball. */
    private static Map<String, byte[]> readTar(Path module) throws IOException {
        Path tar = module.resolve("target/image-config/image.tar");
        assertTrue(Files.exists(tar), tar + " is missing: run `./mvnw -pl knative -am verify` (verify builds it)");
        try (InputStream in = Files.newInputStream(tar)) {
            return entries(in, name -> name.endsWith(".json"));
        }
    }

    /** The image's entrypoint, as the image's configuration gives it. */
    static List<String> entrypoint(Path module) throws IOException {
        return strings(imageConfig(module).path("Entrypoint"));
    }

    /** A file of the image (e.g. {@code app/jib-classpath-file}), from whichever of its layers holds it. */
    static byte[] imageFile(Path module, String path) throws IOException {
        Path tar = module.resolve("target/image-config/image.tar");
        Map<String, byte[]> layers;
        try (InputStream in = Files.newInputStream(tar)) {
            layers = entries(in, name -> name.endsWith(".tar.gz"));
        }
        for (byte[] layer : layers.values()) {
            try (InputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(layer))) {
                byte[] found = entries(in, name -> name.equals(path) || name.equals("./" + path)).values().stream().findFirst().orElse(null);
                if (found != null) {
                    return found;
                }
            }
        }
        throw new AssertionError(path + " is in no layer of " + tar);
    }

    /** The entries of a tar stream whose names are wanted (ustar: 512-byte headers, size in octal; extension headers skipped alike). */
    private static Map<String, byte[]> entries(InputStream in, java.util.function.Predicate<String> wanted) throws IOException {
        Map<String, byte[]> entries = new HashMap<>();
        byte[] header = new byte[512];
        while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
            String name = new String(header, 0, 100, StandardCharsets.US_ASCII).replace("\0", "");
            long size = Long.parseLong(new String(header, 124, 12, StandardCharsets.US_ASCII).replace("\0", "").trim(), 8);
            if (wanted.test(name)) {
                entries.put(name, in.readNBytes((int) size));
            } else {
                in.skipNBytes(size);
            }
            in.skipNBytes((512 - size % 512) % 512);
        }
        return entries;
    }

    static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
