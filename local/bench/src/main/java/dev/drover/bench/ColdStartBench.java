package dev.drover.bench;

import dev.drover.contract.signing.SigningKeys;
import dev.drover.core.state.RedisState;
import dev.drover.local.stack.EmbeddedTemporal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cold-start benchmark: one Drover function process ({@code FUNCTION=<name> java -jar <its image's jar>}, as its
 * Knative Service runs it: {@code drover-reads.jar} for a read function, {@code drover-functions.jar} for the others) against Helidon SE's hello world ({@code local/hello-world}), both with the image's JVM
 * flags, started alternately in the same run (hello first in even rounds, the function first in odd ones). Each start
 * is timed from {@code ProcessBuilder.start} to the first 2xx answer of its readiness path (polled every 5 ms), and
 * the CPU time it used until then (user + system) and its peak resident memory (VmHWM) are read then. Reports the medians and the function ÷ hello world ratios.
 * Each also reports when its server listened, by the JVM's clock (Helidon logs "N milliseconds since JVM startup"): ready
 * minus that is the first answer of the readiness path, so a start splits into getting to listen and answering.
 * <p>
 * For {@code migration-get}, {@code candidates-list} and {@code candidate-start}, each start of the function is then asked
 * its first request, as an operator asks it ({@link FirstRequest}), and timed: a cold start's first answer is what a person
 * waits for. The function reaches what it would in a cluster: the machine's Redis (a migration seeded under a prefix of
 * its own, removed at the end), a development identity provider on loopback, Temporal's test server in this process.
 * <p>
 * With {@code aot=true} each jar first gets a JDK AOT cache from a training run (start, a few requests, stop:
 * {@code -XX:AOTCacheOutput}), and every measured start uses its own ({@code -XX:AOTCache}), as the images do. With
 * {@code aot=image} the function starts as its Knative Service starts it instead: on the image's layout and with the
 * cache the build trained there for its kind of function ({@link ImageLayout}); the hello world still gets its own.
 * <p>
 * Settings ({@code name=value} arguments or system properties): function (migration-get), rounds (10), aot (false, true or image),
 * jit (c1, the image's flags; c2 without {@code -XX:TieredStopAtLevel=1}),
 * functionsJar (the build's jar of the function's image), helloJar (the repository's build outputs), java (this JVM's), memory (384m: {@code -XX:MaxRAM}, the
 * pod's limit, so MaxRAMPercentage sizes the heap as it would there). Redis from {@code REDIS_URL}.
 */
public final class ColdStartBench {
    /** The image's flags (root pom, Jib's jvmFlags), less user.home. */
    static final List<String> IMAGE_FLAGS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:MaxRAMPercentage=60",
                                                    "-Xss512k", "-XX:+ExitOnOutOfMemoryError",
                                                    "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private ColdStartBench() {
    }

    /**
     * One kind of process to start: what follows the JVM's flags on its command line ({@code -jar <jar>}, or a class
     * path and a main class), its environment and readiness path.
     */
    private record Subject(String name, List<String> launch, Map<String, String> env, String readyPath, List<String> trainPaths,
                           Optional<FirstRequest> first) {
        static Subject jar(String name, Path jar, Map<String, String> env, String readyPath, List<String> trainPaths,
                           Optional<FirstRequest> first) {
            return new Subject(name, List.of("-jar", jar.toString()), env, readyPath, trainPaths, first);
        }
    }

    /**
     * One measured start; {@code firstMillis} is the function's first request once it is ready (-1 where none is measured)
     * and {@code firstRssKb} its peak RSS after it.
     */
    private record Start(long readyMillis, long listeningMillis, long cpuMillis, long peakRssKb, long firstMillis, long firstRssKb) {
    }

    /** The migration the first requests are about: ReadBench's, one step, a candidate for each start. */
    private static final String MIGRATION = ReadBench.MIGRATION;

    /**
     * The request a person waits for when a cold function answers its first call, as an operator makes it (an admin's
     * token from the identity provider): what a start pays after it is ready (the identity provider's keys, Redis's first
     * connection, Temporal's for a function that runs). Each start asks about a candidate of its own, since a candidate
     * starts once. Known for {@code migration-get}, {@code candidates-list} and {@code candidate-start}.
     */
    private record FirstRequest(String method, String pathFormat, int expectedStatus, String token, AtomicInteger next) {
        static Optional<FirstRequest> of(String function, String token) {
            return Optional.ofNullable(switch (function) {
                case "migration-get" -> new FirstRequest("GET", "/migrations/" + MIGRATION, 200, token, new AtomicInteger());
                case "candidates-list" -> new FirstRequest("GET", "/migrations/" + MIGRATION + "/candidates?limit=50", 200, token,
                                                           new AtomicInteger());
                case "candidate-start" -> new FirstRequest("POST", "/migrations/" + MIGRATION + "/candidates/c-%06d/start", 202, token,
                                                           new AtomicInteger());
                default -> null;
            });
        }

        HttpRequest request(int port) {
            String path = pathFormat.contains("%") ? pathFormat.formatted(next.getAndIncrement()) : pathFormat;
            return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                    .header("authorization", "Bearer " + token).header("content-type", "application/json")
                    .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}"))
                    .build();
        }
    }

    /** Helidon's line once its server listens, in the hello world's plain log and in a function's JSON log alike. */
    private static final Pattern LISTENING = Pattern.compile("(\\d+) milliseconds since JVM startup");

    public static void main(String[] args) throws Exception {
        Map<String, String> props = BenchArgs.parse(args, "rounds=10");
        String function = props.getOrDefault("function", "migration-get");
        int rounds = Integer.parseInt(props.getOrDefault("rounds", "10"));
        String aotMode = props.getOrDefault("aot", "false");
        if (!List.of("false", "true", "image").contains(aotMode)) {
            throw new IllegalArgumentException("aot=" + aotMode + ": false, true (a cache trained on the function alone) or image "
                                                       + "(the cache the image ships for the function's kind)");
        }
        Path functionsJar = BenchArgs.functionsJar(props, function, "Cold start");
        Path helloJar = BenchArgs.jar(props, "helloJar", "local/hello-world/target/drover-hello-world-0.1.0-SNAPSHOT.jar", "Cold start");

        // What a function's first request reaches: the state store (one migration, a candidate for every start), an
        // identity provider that signs the request's token and serves its keys, and Temporal (candidate-start's run).
        String redisUrl = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
        String prefix = "drover-bench-" + UUID.randomUUID() + ":";
        try (RedisState state = RedisState.connect(URI.create(redisUrl), prefix);
             BenchTrust trust = BenchTrust.start();
             EmbeddedTemporal temporal = EmbeddedTemporal.start("127.0.0.1", 0)) {
            ReadBench.load(state, rounds + 2);
            Map<String, String> functionEnv = new HashMap<>();
            functionEnv.put("FUNCTION", function);
            functionEnv.put("REDIS_URL", redisUrl);
            functionEnv.put("DROVER_REDIS_PREFIX", prefix);
            functionEnv.put("DROVER_SIGNING_KEY", SigningKeys.generate().secretJson());
            functionEnv.put("DROVER_OIDC_ISSUER", trust.issuer().issuer().toString());
            functionEnv.put("DROVER_MIGRATOR_ISSUER", trust.issuer().issuer().toString());
            functionEnv.put("DROVER_API_URL", "http://127.0.0.1:1");
            functionEnv.put("TEMPORAL_ADDRESS", "127.0.0.1:" + temporal.port());
            functionEnv.put("HISTORY_DB_URL", "jdbc:postgresql://127.0.0.1:1/nowhere");
            try {
                measure(props, function, rounds, aotMode, functionsJar, helloJar, functionEnv,
                        FirstRequest.of(function, trust.adminToken()));
            } finally {
                state.deleteAllKeys();
            }
        }
    }

    private static void measure(Map<String, String> props, String function, int rounds, String aotMode, Path functionsJar, Path helloJar,
                                Map<String, String> functionEnv, Optional<FirstRequest> first) throws Exception {
        boolean aot = !aotMode.equals("false");
        String java = props.getOrDefault("java", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String memory = props.getOrDefault("memory", "384m");
        Subject hello = Subject.jar("hello world", helloJar, Map.of(), "/hello", List.of("/hello"), Optional.empty());
        Subject drover;
        Optional<Path> imageCache = Optional.empty();
        if (aotMode.equals("image")) {
            // As the image starts it: the layout AotTraining laid out beside the jar (target/aot), its class path and the
            // cache it trained there; the JDK accepts the same layout under another root than the image's /app.
            ImageLayout layout = ImageLayout.of(functionsJar.resolveSibling("aot"), function);
            drover = new Subject(function, List.of("-cp", layout.classPath(), layout.mainClass()), functionEnv, "/observe/health/ready",
                                 List.of(), first);
            imageCache = Optional.of(layout.cache());
        } else {
            drover = Subject.jar(function, functionsJar, functionEnv, "/observe/health/ready",
                                 List.of("/observe/health/ready", "/migrations/bench", "/observe/metrics"), first);
        }

        List<String> flags = new ArrayList<>(IMAGE_FLAGS);
        // c2: full tiered compilation, what an always-on function could use (as ReadBench's jit=c2), for both subjects
        String jit = props.getOrDefault("jit", "c1");
        if (jit.equals("c2")) {
            flags.remove("-XX:TieredStopAtLevel=1");
        } else if (!jit.equals("c1")) {
            throw new IllegalArgumentException("jit=" + jit + ": c1 (the image's flags) or c2");
        }
        flags.add("-XX:MaxRAM=" + memory);
        // The trained caches (25 to 60 MB each) go when the run ends, whatever its end.
        Path work = Files.createTempDirectory("drover-cold-start");
        try {
            Map<Subject, List<String>> flagsOf = new HashMap<>();
            for (Subject subject : List.of(drover, hello)) {
                List<String> own = new ArrayList<>(flags);
                if (aot) {
                    boolean shipped = subject == drover && imageCache.isPresent();
                    Path cache = shipped ? imageCache.get() : work.resolve(subject == drover ? "function.aot" : "hello.aot");
                    if (!shipped) {
                        train(java, flags, subject, cache);
                    }
                    own.add("-XX:AOTCache=" + cache);
                    // Refuse to start without it, so a cache the JVM rejects cannot pass for a measurement with one.
                    own.add("-XX:AOTMode=on");
                }
                flagsOf.put(subject, own);
            }

            String cacheNote = !aot ? "" : imageCache.map(c -> " + the image's AOT cache (" + c + ")").orElse(" + AOT cache");
            System.out.printf(Locale.ROOT, "cold start: %s vs hello world, %d rounds, flags %s%s, java %s, %d CPUs%n", function, rounds,
                              String.join(" ", flags), cacheNote, Runtime.version(), Runtime.getRuntime().availableProcessors());
            List<Start> droverStarts = new ArrayList<>();
            List<Start> helloStarts = new ArrayList<>();
            // One unmeasured start of each first: the page cache holds both jars' files afterwards, as on a node that ran them.
            start(java, flagsOf.get(hello), hello);
            start(java, flagsOf.get(drover), drover);
            for (int round = 0; round < rounds; round++) {
                boolean helloFirst = round % 2 == 0;
                for (Subject subject : helloFirst ? List.of(hello, drover) : List.of(drover, hello)) {
                    Start measured = start(java, flagsOf.get(subject), subject);
                    (subject == drover ? droverStarts : helloStarts).add(measured);
                    System.out.printf(Locale.ROOT, "  round %2d %-14s ready %6d ms (listening at %4d)  CPU %6d ms  peak RSS %6.1f MB%s%n", round + 1,
                                      subject.name(), measured.readyMillis(), measured.listeningMillis(), measured.cpuMillis(),
                                      measured.peakRssKb() / 1024.0, measured.firstMillis() < 0 ? ""
                                              : String.format(Locale.ROOT, "  first answer %5d ms (peak RSS then %6.1f MB)",
                                                              measured.firstMillis(), measured.firstRssKb() / 1024.0));
                }
            }
            double droverReady = Median.of(droverStarts, Start::readyMillis);
            double helloReady = Median.of(helloStarts, Start::readyMillis);
            double droverListening = listeningMedian(droverStarts);
            double helloListening = listeningMedian(helloStarts);
            double droverCpu = Median.of(droverStarts, Start::cpuMillis);
            double helloCpu = Median.of(helloStarts, Start::cpuMillis);
            double droverRss = Median.of(droverStarts, Start::peakRssKb);
            double helloRss = Median.of(helloStarts, Start::peakRssKb);
            System.out.printf(Locale.ROOT, "median ready: %s %.0f ms, hello world %.0f ms: ratio %.2f%n", function, droverReady, helloReady,
                              droverReady / helloReady);
            System.out.printf(Locale.ROOT, "median listening (JVM clock): %s %.0f ms, hello world %.0f ms: ratio %.2f%n", function,
                              droverListening, helloListening, droverListening / helloListening);
            System.out.printf(Locale.ROOT, "median CPU to ready: %s %.0f ms, hello world %.0f ms: ratio %.2f%n", function, droverCpu, helloCpu,
                              droverCpu / helloCpu);
            System.out.printf(Locale.ROOT, "median peak RSS: %s %.1f MB, hello world %.1f MB: ratio %.2f%n", function, droverRss / 1024.0,
                              helloRss / 1024.0, droverRss / helloRss);
            if (first.isPresent()) {
                // The hello world's first answer is its readiness path's: a person waits for ready plus the first answer.
                double droverFirst = Median.of(droverStarts, Start::firstMillis);
                double droverToFirst = Median.of(droverStarts, start -> start.readyMillis() + start.firstMillis());
                System.out.printf(Locale.ROOT, "median first answer once ready: %s %.0f ms; ready + first answer %.0f ms, hello world's ready "
                                          + "%.0f ms: ratio %.2f; peak RSS after it %.1f MB: ratio %.2f%n", function, droverFirst, droverToFirst,
                                  helloReady, droverToFirst / helloReady, Median.of(droverStarts, Start::firstRssKb) / 1024.0,
                                  Median.of(droverStarts, Start::firstRssKb) / helloRss);
            }
        } finally {
            deleteTree(work);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /**
     * Over the starts whose line came (-1 otherwise), so that a missing line does not pass for an early one; NaN when
     * none came.
     */
    private static double listeningMedian(List<Start> starts) {
        List<Start> logged = starts.stream().filter(start -> start.listeningMillis() >= 0).toList();
        return logged.isEmpty() ? Double.NaN : Median.of(logged, Start::listeningMillis);
    }

    /**
     * Starts the subject, waits until its readiness path answers 2xx, reads its CPU time and peak RSS, then the time its
     * server listened (from its log), and stops it.
     */
    private static Start start(String java, List<String> flags, Subject subject) throws Exception {
        int port = BenchArgs.freePort();
        long begin = System.nanoTime();
        Path log = Files.createTempFile("drover-cold-start", ".log");
        Process process = launch(java, flags, subject, port, ProcessBuilder.Redirect.to(log.toFile()));
        try {
            awaitReady(process, port, subject.readyPath());
            long ready = (System.nanoTime() - begin) / 1_000_000;
            long cpu = cpuMillis(process.pid());
            long rss = peakRssKb(process.pid());
            long first = -1;
            long firstRss = -1;
            if (subject.first().isPresent()) {
                FirstRequest request = subject.first().get();
                long sent = System.nanoTime();
                HttpResponse<String> answer = HTTP.send(request.request(port), HttpResponse.BodyHandlers.ofString());
                first = (System.nanoTime() - sent) / 1_000_000;
                if (answer.statusCode() != request.expectedStatus()) {
                    throw new IllegalStateException(subject.name() + "'s first request answered " + answer.statusCode() + ", not "
                                                            + request.expectedStatus() + ": " + answer.body());
                }
                firstRss = peakRssKb(process.pid());
            }
            return new Start(ready, listeningMillis(log), cpu, rss, first, firstRss);
        } finally {
            stop(process);
            Files.deleteIfExists(log);
        }
    }

    /** A training run: start with {@code -XX:AOTCacheOutput}, a few requests on the usual paths, stop (the cache is written at exit). */
    private static void train(String java, List<String> flags, Subject subject, Path cache) throws Exception {
        List<String> training = new ArrayList<>(flags);
        training.add("-XX:AOTCacheOutput=" + cache);
        int port = BenchArgs.freePort();
        Path log = cache.resolveSibling(cache.getFileName() + ".log");
        Process process = launch(java, training, subject, port, ProcessBuilder.Redirect.to(log.toFile()));
        try {
            awaitReady(process, port, subject.readyPath());
            for (int i = 0; i < 20; i++) {
                for (String path : subject.trainPaths()) {
                    HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.discarding());
                }
            }
        } finally {
            stop(process);
        }
        if (!Files.isRegularFile(cache)) {
            String output = Files.readString(log, StandardCharsets.ISO_8859_1);
            throw new IllegalStateException("the training run of " + subject.name() + " wrote no AOT cache; the end of its output:\n"
                                                    + output.substring(Math.max(0, output.length() - 4000)));
        }
    }

    private static Process launch(String java, List<String> flags, Subject subject, int port, ProcessBuilder.Redirect output) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(flags);
        command.addAll(subject.launch());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output);
        builder.environment().putAll(subject.env());
        builder.environment().put("DROVER_PORT", Integer.toString(port));
        builder.environment().put("PORT", Integer.toString(port));
        return builder.start();
    }

    private static void awaitReady(Process process, int port, String path) throws Exception {
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the process exited with " + process.exitValue() + " before it was ready");
            }
            try {
                if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() / 100 == 2) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("not ready after 120 s: http://127.0.0.1:" + port + path);
    }

    /** SIGTERM, as Kubernetes stops a pod, and wait (an AOT training run writes its cache then). */
    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /**
     * User + system CPU time the process has used so far (/proc/PID/stat, clock ticks of 10 ms): less moved by other load
     * on the machine than the wall time, which waits for the CPU when others hold it.
     */
    static long cpuMillis(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after "pid (comm) ": state is field 3, so utime (14) and stime (15) are at 11 and 12
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
    }

    /**
     * When the server listened, by the JVM's clock (Helidon logs it): the JVM's start and the application's; ready minus
     * this is the first answer of the readiness path. -1 if the line never came.
     */
    private static long listeningMillis(Path log) throws IOException, InterruptedException {
        // The server may answer before it has written the line (a function's first JSON log line is its dearest).
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        do {
            // Latin-1 reads any bytes, a line half written included (the figures are ASCII).
            Matcher matcher = LISTENING.matcher(new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1));
            if (matcher.find()) {
                return Long.parseLong(matcher.group(1));
            }
            Thread.sleep(5);
        } while (System.nanoTime() < deadline);
        return -1;
    }

    static long peakRssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no VmHWM for process " + pid);
    }
}
