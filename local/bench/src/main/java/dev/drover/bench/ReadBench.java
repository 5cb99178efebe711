package dev.drover.bench;

import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.contract.signing.SigningKeys;
import dev.drover.core.state.RedisState;

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
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Read API benchmark: the two hottest reads, each served by its own function process as its Knative Service runs it
 * ({@code FUNCTION=<name> java <flags> -jar drover-reads.jar}, the read functions' image, tokens verified against a
 * development OIDC issuer),
 * loaded with {@code wrk} (closed loop: {@code -t2 -c32} by default) beside Helidon SE's hello world under the same
 * flags and load, in the same run. Reports requests/s, p50/p99, the process's peak RSS and its CPU time per request
 * for each, and each read's throughput as a share of the hello world's.
 * <p>
 * Two JIT settings are measured: {@code c1}, the image's flags ({@code -XX:TieredStopAtLevel=1}, chosen for scale-to-zero
 * starts), and {@code c2}, the same without that flag (full tiered compilation, for always-on functions).
 * <p>
 * Settings ({@code name=value} arguments or system properties): candidates (1000, loaded once), duration (10 s measured
 * per subject, after a warmup of the same length), connections (32), threads (2), jit (c1,c2), rounds (1),
 * memory (384m: {@code -XX:MaxRAM}, the pod's limit), only (which of "hello world", candidates-list, migration-get and
 * the same two reads with {@code DROVER_READ_CACHE_MIB=0}, "candidates-list nocache" and "migration-get nocache", to run;
 * all five by default), writes (changes per second to the migration while wrk loads a read, 0 by default: each
 * changes one candidate, so the kept responses of the reads go stale at that rate), flags (extra JVM flags,
 * space-separated, after the image's), functionsJar, helloJar, java, wrk, profile (a folder: each process
 * records a JFR profile there, {@code <subject>-<jit>-<round>.jfr}, written when it stops). Redis from {@code REDIS_URL},
 * under a fresh key prefix deleted afterwards.
 */
public final class ReadBench {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    /** The migration the read benchmarks load and read (ColdStartBench's first requests too). */
    static final String MIGRATION = "bench";
    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");
    private static final Pattern PERCENTILE = Pattern.compile("^\\s+(50|99)(?:\\.000)?%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);
    private static final Pattern ERRORS = Pattern.compile("Non-2xx or 3xx responses: (\\d+)|Socket errors: .*");

    private ReadBench() {
    }

    /** What one wrk run against one process measured. */
    record Load(double requestsPerSecond, double p50Millis, double p99Millis, long peakRssKb, double cpuMicrosPerRequest) {
    }

    /** One process to load: its jar, environment, the path wrk requests, and whether that path needs the token. */
    private record Subject(String name, Path jar, Map<String, String> env, String path, boolean authenticated) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> props = BenchArgs.parse(args, "duration=10");
        int candidates = Integer.parseInt(props.getOrDefault("candidates", "1000"));
        int duration = Integer.parseInt(props.getOrDefault("duration", "10"));
        int connections = Integer.parseInt(props.getOrDefault("connections", "32"));
        int threads = Integer.parseInt(props.getOrDefault("threads", "2"));
        int rounds = Integer.parseInt(props.getOrDefault("rounds", "1"));
        List<String> jits = List.of(props.getOrDefault("jit", "c1,c2").split(","));
        String memory = props.getOrDefault("memory", "384m");
        String java = props.getOrDefault("java", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String wrk = props.getOrDefault("wrk", "wrk");
        String profile = props.getOrDefault("profile", "");
        int writes = Integer.parseInt(props.getOrDefault("writes", "0"));
        // the image both measured reads run from (Catalog.image): the read functions' own
        Path functionsJar = BenchArgs.functionsJar(props, "migration-get", "Read API");
        Path helloJar = BenchArgs.jar(props, "helloJar", "local/hello-world/target/drover-hello-world-0.1.0-SNAPSHOT.jar", "Read API");
        if (!jits.stream().allMatch(j -> j.equals("c1") || j.equals("c2")) || candidates < 50 || duration < 1 || rounds < 1
                || writes < 0 || writes > 1000) {
            System.err.println("jit is c1, c2 or both (c1,c2); candidates >= 50 (a full page); duration >= 1; rounds >= 1; "
                                       + "writes from 0 to 1000 a second");
            System.exit(2);
        }
        try {
            new ProcessBuilder(wrk, "--version").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (IOException e) {
            System.err.println("wrk is not installed (Debian: apt-get install wrk), or pass wrk=/path/to/wrk");
            System.exit(2);
        }

        String redisUrl = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
        String prefix = "drover-bench-" + UUID.randomUUID() + ":";
        RedisState state = RedisState.connect(URI.create(redisUrl), prefix);
        boolean ok = false;
        try (BenchTrust trust = BenchTrust.start()) {
            load(state, candidates);
            Map<String, String> env = new HashMap<>();
            env.put("REDIS_URL", redisUrl);
            env.put("DROVER_REDIS_PREFIX", prefix);
            env.put("DROVER_SIGNING_KEY", SigningKeys.generate().secretJson());
            env.put("DROVER_OIDC_ISSUER", trust.issuer().issuer().toString());
            env.put("DROVER_MIGRATOR_ISSUER", trust.issuer().issuer().toString());
            List<String> only = List.of(props.getOrDefault("only", "hello world,candidates-list,migration-get,"
                    + "candidates-list nocache,migration-get nocache").split(","));
            Map<String, String> nocache = new HashMap<>(env);
            nocache.put("DROVER_READ_CACHE_MIB", "0");
            List<Subject> subjects = List.of(
                    new Subject("hello world", helloJar, Map.of(), "/hello", false),
                    function("candidates-list", "candidates-list", functionsJar, env, "/migrations/" + MIGRATION + "/candidates?limit=50"),
                    function("migration-get", "migration-get", functionsJar, env, "/migrations/" + MIGRATION),
                    function("candidates-list nocache", "candidates-list", functionsJar, nocache,
                             "/migrations/" + MIGRATION + "/candidates?limit=50"),
                    function("migration-get nocache", "migration-get", functionsJar, nocache, "/migrations/" + MIGRATION))
                    .stream().filter(s -> only.contains(s.name())).toList();
            String token = trust.adminToken();
            System.out.printf(Locale.ROOT, "read API: wrk -t%d -c%d -d%ds (after a warmup as long), %d candidates, %d writes/s, MaxRAM %s, "
                                      + "java %s, %d CPUs%n", threads, connections, duration, candidates, writes, memory,
                              Runtime.version(), Runtime.getRuntime().availableProcessors());
            Map<String, List<Load>> results = new LinkedHashMap<>();
            for (int round = 0; round < rounds; round++) {
                for (String jit : jits) {
                    List<String> flags = new ArrayList<>(ColdStartBench.IMAGE_FLAGS);
                    if (jit.equals("c2")) {
                        flags.remove("-XX:TieredStopAtLevel=1");
                    }
                    flags.add("-XX:MaxRAM=" + memory);
                    // extra flags last, so they override the image's (e.g. flags=-XX:MaxRAMPercentage=50)
                    flags.addAll(List.of(props.getOrDefault("flags", "").split(" ")).stream().filter(f -> !f.isBlank()).toList());
                    // Alternate the order by round, so that no subject always runs on the warmer machine.
                    List<Subject> order = new ArrayList<>(subjects);
                    if (round % 2 == 1) {
                        Collections.reverse(order);
                    }
                    for (Subject subject : order) {
                        List<String> own = new ArrayList<>(flags);
                        if (!profile.isEmpty()) {
                            Files.createDirectories(Path.of(profile));
                            own.add("-XX:StartFlightRecording=settings=profile,filename=" + Path.of(profile)
                                    .resolve(subject.name().replace(' ', '-') + "-" + jit + "-" + (round + 1) + ".jfr").toAbsolutePath());
                        }
                        Load measured;
                        try (Writer writer = Writer.start(state, writes)) {
                            measured = measure(java, own, subject, token, wrk, threads, connections, duration);
                        }
                        results.computeIfAbsent(jit + " " + subject.name(), k -> new ArrayList<>()).add(measured);
                        System.out.printf(Locale.ROOT, "  round %d %-3s %-23s %9.0f req/s  p50 %6.2f ms  p99 %7.2f ms  peak RSS %6.1f MiB  CPU %6.1f µs/req%n",
                                          round + 1, jit, subject.name(), measured.requestsPerSecond(), measured.p50Millis(),
                                          measured.p99Millis(), measured.peakRssKb() / 1024.0, measured.cpuMicrosPerRequest());
                    }
                }
            }
            System.out.println();
            System.out.println("medians over rounds (share of the hello world's req/s under the same JIT):");
            for (String jit : jits) {
                double hello = results.containsKey(jit + " hello world") ? Median.of(results.get(jit + " hello world"), Load::requestsPerSecond) : Double.NaN;
                for (Subject subject : subjects) {
                    List<Load> loads = results.get(jit + " " + subject.name());
                    double rate = Median.of(loads, Load::requestsPerSecond);
                    System.out.printf(Locale.ROOT, "  %-3s %-23s %9.0f req/s (%.2f of hello)  p50 %6.2f ms  p99 %7.2f ms  peak RSS %6.1f MiB  CPU %6.1f µs/req%n",
                                      jit, subject.name(), rate, rate / hello, Median.of(loads, Load::p50Millis), Median.of(loads, Load::p99Millis),
                                      Median.of(loads, l -> (double) l.peakRssKb()) / 1024.0, Median.of(loads, Load::cpuMicrosPerRequest));
                }
            }
            ok = true;
        } catch (IllegalStateException e) {
            System.err.println("FAILED: " + e.getMessage());
        } finally {
            ok &= CandidateBench.cleanUp(state.redis(), prefix);
            state.close();
        }
        System.out.println();
        System.out.println("RESULT: " + (ok ? "OK" : "FAILED"));
        System.exit(ok ? 0 : 1);
    }

    private static Subject function(String name, String function, Path jar, Map<String, String> env, String path) {
        Map<String, String> own = new HashMap<>(env);
        own.put("FUNCTION", function);
        return new Subject(name, jar, own, path, true);
    }

    /**
     * Changes the migration {@code perSecond} times a second while a read is loaded, through the stores as discovery
     * does: each resubmits the first candidate with another kind (an update), which moves the migration's stamp.
     */
    private record Writer(ScheduledExecutorService timer) implements AutoCloseable {
        static Writer start(RedisState state, int perSecond) {
            if (perSecond == 0) {
                return new Writer(null);
            }
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
            AtomicLong n = new AtomicLong();
            timer.scheduleAtFixedRate(() -> state.candidates().merge(MIGRATION, List.of(new DiscoveredCandidate(
                    "c-000000", "helm-app-" + n.incrementAndGet(), Map.of(), List.of(), List.of()))),
                                      0, 1_000_000 / perSecond, TimeUnit.MICROSECONDS);
            return new Writer(timer);
        }

        @Override
        public void close() {
            if (timer != null) {
                timer.shutdownNow();
            }
        }
    }

    /** One migration and {@code candidates} candidates with metadata, through the stores the functions read. */
    static void load(RedisState state, int candidates) {
        state.migrations().announce(new Migration(MIGRATION, "Bench", "", List.of(),
                                                  List.of(new Step("s1", "", "noop", "", Map.of())), List.of()), "noop");
        List<DiscoveredCandidate> batch = new ArrayList<>();
        for (int i = 0; i < candidates; i++) {
            batch.add(new DiscoveredCandidate("c-%06d".formatted(i), "helm-app",
                                              Map.of("team", "t" + (i % 10), "repo", "github.com/acme/gitops",
                                                     "path", "apps/app-%06d/values.yaml".formatted(i), "chart", "ingress-nginx"),
                                              List.of(), List.of()));
            if (batch.size() == 1000 || i == candidates - 1) {
                state.candidates().merge(MIGRATION, batch);
                batch.clear();
            }
        }
    }

    /** Starts the subject, loads it twice with wrk (warmup, then measured), reads its peak RSS, stops it. */
    private static Load measure(String java, List<String> flags, Subject subject, String token, String wrk, int threads,
                                int connections, int duration) throws Exception {
        int port = BenchArgs.freePort();
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(flags);
        command.add("-jar");
        command.add(subject.jar().toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(subject.env());
        builder.environment().put("DROVER_PORT", Integer.toString(port));
        builder.environment().put("PORT", Integer.toString(port));
        Process process = builder.start();
        try {
            String url = "http://127.0.0.1:" + port + subject.path();
            awaitOk(process, url, subject.authenticated() ? token : null);
            wrk(wrk, url, subject.authenticated() ? token : null, threads, connections, duration);
            long cpuBefore = ColdStartBench.cpuMillis(process.pid());
            String output = wrk(wrk, url, subject.authenticated() ? token : null, threads, connections, duration);
            long cpu = ColdStartBench.cpuMillis(process.pid()) - cpuBefore;
            long rss = ColdStartBench.peakRssKb(process.pid());
            Matcher rate = RATE.matcher(output);
            Matcher errors = ERRORS.matcher(output);
            Matcher requests = REQUESTS.matcher(output);
            if (!rate.find() || !requests.find() || errors.find()) {
                throw new IllegalStateException(subject.name() + ": wrk reported errors or no rate:\n" + output);
            }
            Map<String, Double> percentiles = new HashMap<>();
            Matcher p = PERCENTILE.matcher(output);
            while (p.find()) {
                double value = Double.parseDouble(p.group(2));
                percentiles.put(p.group(1), switch (p.group(3)) {
                    case "us" -> value / 1000;
                    case "s" -> value * 1000;
                    default -> value;
                });
            }
            if (!percentiles.containsKey("50") || !percentiles.containsKey("99")) {
                throw new IllegalStateException(subject.name() + ": wrk printed no latency distribution:\n" + output);
            }
            return new Load(Double.parseDouble(rate.group(1)), percentiles.get("50"), percentiles.get("99"), rss,
                            cpu * 1000.0 / Long.parseLong(requests.group(1)));
        } finally {
            process.destroy();
            process.waitFor();
        }
    }

    private static String wrk(String wrk, String url, String token, int threads, int connections, int duration) throws Exception {
        List<String> command = new ArrayList<>(List.of(wrk, "-t" + threads, "-c" + connections, "-d" + duration + "s", "--latency"));
        if (token != null) {
            command.addAll(List.of("-H", "Authorization: Bearer " + token));
        }
        command.add(url);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("wrk failed:\n" + output);
        }
        return output;
    }

    /** Waits until the url answers 200 with the token: the process is up and the token verified (JWKS fetched). */
    private static void awaitOk(Process process, String url, String token) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int last = 0;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the process exited with " + process.exitValue() + " before it answered " + url);
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            try {
                last = HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (last == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException(url + " did not answer 200 within 60 s (last status " + last + ")");
    }
}
