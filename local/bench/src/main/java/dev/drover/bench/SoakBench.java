package dev.drover.bench;

import dev.drover.contract.json.Json;
import dev.drover.core.auth.Role;
import dev.drover.core.function.Settings;
import dev.drover.core.state.RedisState;
import dev.drover.local.stack.LocalStack;
import dev.drover.local.stack.LocalStackSettings;
import dev.drover.migrator.Migrator;

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
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Soak: mixed load on one API function process for a long time (an hour by default), to show that neither its memory
 * nor its latency grows. The measured process serves every function ({@code java <the image's flags> -jar
 * drover-functions.jar}, no {@code FUNCTION}), as an always-on API pod would; the rest of the local stack (Temporal in
 * process, the worker, the Dapr and broker stand-ins, a no-op migrator on the SDK) runs in this JVM around it. The
 * load, all over HTTP with verified tokens:
 * <ul>
 *   <li>a writer that submits a batch of new candidates every cycle (as the migrator app) and starts a rollout of
 *       that batch (as an operator), so runs go through their three no-op steps all the time; it skips a cycle while
 *       four batches are unfinished, so the load stays one the stack sustains;</li>
 *   <li>readers that read, in turn, the first page, a page at a random cursor, the migration, the list of migrations
 *       and one random candidate.</li>
 * </ul>
 * Every {@code sample} seconds it asks the process for a full GC ({@code jcmd GC.run}) and reads the live heap
 * ({@code GC.heap_info}), the resident memory and the process's CPU time per request; per window it reports those, the
 * reads' count, p50 and p99, the errors and the candidates completed. At the end it compares the last third of the
 * windows with the second (the first is the warmup): RESULT FAILED when the live heap grew by more than 20% and 16 MiB,
 * when the CPU time per request grew by more than 30%, or when any request failed. The reads' latency is reported
 * beside: it also waits for the CPUs that the rest of the stack holds, which grows as the in-process Temporal server
 * keeps every finished run.
 * <p>
 * Settings ({@code name=value}): minutes (60), sample (30 s), readers (4), batch (50 candidates per cycle), cycle (10 s),
 * concurrency (20 runs per rollout), memory (384m), functionsJar, java. Redis from {@code REDIS_URL}; the history's
 * reads go to {@code pgUrl} (default the machine's PostgreSQL, database test).
 */
public final class SoakBench {
    private static final String MIGRATION = "soak";
    private static final String APP = "soak-migrator";
    private static final Pattern USED = Pattern.compile("used (\\d+)K");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private SoakBench() {
    }

    /** One sampling window's figures. */
    record Window(double minutes, long reads, double p50Millis, double p99Millis, long errors, long liveHeapKb, long rssKb,
                  double cpuMicrosPerRequest, long completed) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> props = BenchArgs.parse(args, "minutes=60");
        double minutes = Double.parseDouble(props.getOrDefault("minutes", "60"));
        int sample = Integer.parseInt(props.getOrDefault("sample", "30"));
        int readers = Integer.parseInt(props.getOrDefault("readers", "4"));
        int batch = Integer.parseInt(props.getOrDefault("batch", "50"));
        int cycle = Integer.parseInt(props.getOrDefault("cycle", "10"));
        int concurrency = Integer.parseInt(props.getOrDefault("concurrency", "20"));
        String memory = props.getOrDefault("memory", "384m");
        String java = props.getOrDefault("java", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Path functionsJar = BenchArgs.jar(props, "functionsJar", "functions/app/target/drover-functions-0.1.0-SNAPSHOT.jar", "Soak");
        String pgUrl = props.getOrDefault("pgUrl", "jdbc:postgresql://127.0.0.1:5432/test");
        if (minutes * 60 < 3 * sample || readers < 1 || batch < 1 || batch > 5000 || cycle < 1 || concurrency < 1) {
            System.err.println("need at least three windows (minutes * 60 >= 3 * sample), readers >= 1, 1 <= batch <= 5000, "
                                       + "cycle >= 1, concurrency >= 1");
            System.exit(2);
        }

        String prefix = "drover-bench-" + UUID.randomUUID() + ":";
        String redisUrl = System.getenv().getOrDefault("REDIS_URL", Settings.DEFAULT_REDIS_URL);
        Settings functions = Settings.fromEnvironment(Map.of("REDIS_URL", redisUrl, "DROVER_REDIS_PREFIX", prefix));
        int temporalPort = BenchArgs.freePort();
        System.out.printf(Locale.ROOT, "soak: %.0f minutes, windows of %d s, %d readers, %d new candidates every %d s, rollouts of "
                                  + "concurrency %d, MaxRAM %s, %d CPUs, java %s%n",
                          minutes, sample, readers, batch, cycle, concurrency, memory, Runtime.getRuntime().availableProcessors(),
                          Runtime.version());
        List<Window> windows = new ArrayList<>();
        long errorsTotal;
        Process api = null;
        try (LocalStack stack = LocalStack.start(LocalStackSettings.ephemeral(functions, temporalPort).withoutDemo());
             Migrator migrator = LocalBench.noopMigrator(stack, APP, MIGRATION, "Soak", 3, List.of())) {
            stack.addMigrator(APP, migrator.stepsUri());
            LocalBench.quietLogs();
            int port = BenchArgs.freePort();
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(ColdStartBench.IMAGE_FLAGS);
            command.addAll(List.of("-XX:MaxRAM=" + memory, "-jar", functionsJar.toString()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            Map<String, String> env = builder.environment();
            env.put("DROVER_PORT", Integer.toString(port));
            env.put("REDIS_URL", redisUrl);
            env.put("DROVER_REDIS_PREFIX", prefix);
            env.put("TEMPORAL_ADDRESS", stack.temporalAddress());
            env.put("HISTORY_DB_URL", pgUrl);
            env.put("DROVER_OIDC_ISSUER", stack.issuer().issuer().toString());
            env.put("DROVER_MIGRATOR_ISSUER", stack.issuer().issuer().toString());
            env.put("DROVER_SIGNING_KEY", stack.signingKeys().secretJson());
            env.put("APP_API_TOKEN", stack.appApiToken());
            env.put("DROVER_BROKER_URL", stack.broker().ingressUri().toString());
            api = builder.start();
            // A harness stopped from outside (Ctrl-C, SIGTERM) must not leave the measured process serving on.
            Process started = api;
            Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
            URI base = URI.create("http://127.0.0.1:" + port);
            String viewer = stack.issuer().userToken("soak-reader", Role.VIEWER);
            String operator = stack.issuer().userToken("soak-operator", Role.OPERATOR);
            awaitOk(api, base.resolve("/migrations/" + MIGRATION), viewer);

            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger submitted = new AtomicInteger();
            AtomicLong errors = new AtomicLong();
            AtomicLong requests = new AtomicLong();
            Latencies[] window = {new Latencies()};
            List<Thread> threads = new ArrayList<>();
            threads.add(Thread.ofPlatform().name("soak-writer").start(() -> {
                while (!stop.get()) {
                    long began = System.nanoTime();
                    try {
                        // Backpressure: no new batch while four are still unfinished, so the load stays one the stack sustains
                        // instead of piling up rollouts in the in-process Temporal server.
                        if (submitted.get() - completed(base, viewer) > 4L * batch) {
                            sleepUntil(began + Duration.ofSeconds(cycle).toNanos(), stop);
                            continue;
                        }
                        int from = submitted.get();
                        List<Map<String, Object>> candidates = new ArrayList<>();
                        List<String> ids = new ArrayList<>();
                        for (int i = from; i < from + batch; i++) {
                            ids.add("c-%07d".formatted(i));
                            candidates.add(Map.of("id", ids.getLast(), "kind", "soak", "metadata", Map.of("team", "t" + (i % 10))));
                        }
                        expect(send(post(base.resolve("/migrations/" + MIGRATION + "/candidates"), stack.migratorTokens(APP).token(),
                                         Map.of("candidates", candidates))), 200, errors);
                        submitted.addAndGet(batch);
                        requests.addAndGet(2);
                        expect(send(post(base.resolve("/migrations/" + MIGRATION + "/rollouts"), operator,
                                         Map.of("selector", Map.of("ids", ids), "concurrency", concurrency))), 202, errors);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    sleepUntil(began + Duration.ofSeconds(cycle).toNanos(), stop);
                }
            }));
            for (int r = 0; r < readers; r++) {
                threads.add(Thread.ofPlatform().name("soak-reader-" + r).start(() -> {
                    int turn = 0;
                    while (!stop.get()) {
                        int known = Math.max(1, submitted.get());
                        String someId = "c-%07d".formatted(ThreadLocalRandom.current().nextInt(known));
                        String path = switch (turn++ % 5) {
                            case 0 -> "/migrations/" + MIGRATION + "/candidates?limit=50";
                            case 1 -> "/migrations/" + MIGRATION + "/candidates?limit=50&cursor="
                                    + Base64.getUrlEncoder().withoutPadding().encodeToString(someId.getBytes(StandardCharsets.UTF_8));
                            case 2 -> "/migrations/" + MIGRATION;
                            case 3 -> "/migrations";
                            default -> "/migrations/" + MIGRATION + "/candidates/" + (submitted.get() == 0 ? "none" : someId);
                        };
                        long began = System.nanoTime();
                        try {
                            HttpResponse<byte[]> answer = send(HttpRequest.newBuilder(base.resolve(path))
                                                                       .header("Authorization", "Bearer " + viewer).GET().build());
                            long took = System.nanoTime() - began;
                            requests.incrementAndGet();
                            // A candidate not submitted yet answers 404: expected before the first batch, nothing else.
                            if (answer.statusCode() == 200 || (answer.statusCode() == 404 && path.endsWith("/none"))) {
                                synchronized (window) {
                                    window[0].add(took);
                                }
                            } else {
                                errors.incrementAndGet();
                            }
                        } catch (IOException e) {
                            errors.incrementAndGet();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }));
            }

            long start = System.nanoTime();
            long end = start + (long) (minutes * 60e9);
            long lastErrors = 0;
            long lastCpu = ColdStartBench.cpuMillis(api.pid());
            long lastRequests = 0;
            System.out.printf(Locale.ROOT, "%n%8s %8s %9s %9s %7s %10s %8s %11s %10s%n", "minute", "reads", "p50 ms", "p99 ms", "errors",
                              "live heap", "RSS", "CPU/request", "completed");
            for (long next = start + Duration.ofSeconds(sample).toNanos(); next <= end; next += Duration.ofSeconds(sample).toNanos()) {
                sleepUntil(next, new AtomicBoolean());
                Latencies reads;
                synchronized (window) {
                    reads = window[0];
                    window[0] = new Latencies();
                }
                jcmd(jcmd, api.pid(), "GC.run");
                long live = liveHeapKb(jcmd(jcmd, api.pid(), "GC.heap_info"));
                long rss = rssKb(api.pid());
                long cpu = ColdStartBench.cpuMillis(api.pid());
                long requestsNow = requests.get();
                long completed = completed(base, viewer);
                long errorsNow = errors.get();
                // The process's own CPU time per request it answered (the full GC asked for above included, the same in
                // every window): unlike the latency, not moved by what the rest of the stack in this JVM costs as it grows.
                double cpuPerRequest = 1000.0 * (cpu - lastCpu) / Math.max(1, requestsNow - lastRequests);
                Window w = new Window((System.nanoTime() - start) / 60e9, reads.count(), Latencies.ms(reads.quantile(0.5)),
                                      Latencies.ms(reads.quantile(0.99)), errorsNow - lastErrors, live, rss, cpuPerRequest, completed);
                lastErrors = errorsNow;
                lastCpu = cpu;
                lastRequests = requestsNow;
                windows.add(w);
                System.out.printf(Locale.ROOT, "%8.1f %8d %9.2f %9.2f %7d %6.1f MiB %5.1f MiB %8.0f us %10d%n", w.minutes(), w.reads(),
                                  w.p50Millis(), w.p99Millis(), w.errors(), w.liveHeapKb() / 1024.0, w.rssKb() / 1024.0,
                                  w.cpuMicrosPerRequest(), w.completed());
            }
            stop.set(true);
            for (Thread thread : threads) {
                thread.join(Duration.ofSeconds(30));
            }
            errorsTotal = errors.get();
        } finally {
            if (api != null) {
                api.destroy();
                api.waitFor();
            }
            try (RedisState state = RedisState.connect(functions.redisUrl(), prefix)) {
                state.deleteAllKeys();
            }
        }
        System.out.println();
        System.exit(verdict(windows, errorsTotal) ? 0 : 1);
    }

    /** The last third of the windows against the second; the first third is the warmup. */
    static boolean verdict(List<Window> windows, long errors) {
        int third = windows.size() / 3;
        List<Window> middle = windows.subList(third, 2 * third);
        List<Window> last = windows.subList(windows.size() - third, windows.size());
        double heapBefore = Median.of(middle, w -> w.liveHeapKb() / 1024.0);
        double heapAfter = Median.of(last, w -> w.liveHeapKb() / 1024.0);
        double p99Before = Median.of(middle, Window::p99Millis);
        double p99After = Median.of(last, Window::p99Millis);
        double rssBefore = Median.of(middle, w -> w.rssKb() / 1024.0);
        double rssAfter = Median.of(last, w -> w.rssKb() / 1024.0);
        double cpuBefore = Median.of(middle, Window::cpuMicrosPerRequest);
        double cpuAfter = Median.of(last, Window::cpuMicrosPerRequest);
        boolean heapGrew = heapAfter > heapBefore * 1.2 && heapAfter - heapBefore > 16;
        boolean cpuGrew = cpuAfter > cpuBefore * 1.3;
        System.out.printf(Locale.ROOT, "live heap (medians): %.1f MiB in the second third, %.1f MiB in the last (%+.1f%%)%s%n", heapBefore,
                          heapAfter, 100 * (heapAfter / heapBefore - 1), heapGrew ? "  GREW" : "");
        System.out.printf(Locale.ROOT, "the process's CPU per request (medians): %.0f us in the second third, %.0f us in the last (%+.1f%%)%s%n",
                          cpuBefore, cpuAfter, 100 * (cpuAfter / cpuBefore - 1), cpuGrew ? "  GREW" : "");
        System.out.printf(Locale.ROOT, "reads' p99 (medians): %.2f ms in the second third, %.2f ms in the last (%+.1f%%; "
                                  + "includes waiting for the CPUs the rest of the stack holds)%n", p99Before, p99After, 100 * (p99After / p99Before - 1));
        System.out.printf(Locale.ROOT, "RSS (medians): %.1f MiB in the second third, %.1f MiB in the last%n", rssBefore, rssAfter);
        System.out.printf(Locale.ROOT, "failed requests: %d%n", errors);
        boolean ok = !heapGrew && !cpuGrew && errors == 0;
        System.out.println("RESULT: " + (ok ? "OK" : "FAILED"));
        return ok;
    }

    private static HttpRequest post(URI uri, String token, Object body) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body))).timeout(Duration.ofSeconds(30)).build();
    }

    private static HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void expect(HttpResponse<byte[]> answer, int status, AtomicLong errors) {
        if (answer.statusCode() != status) {
            errors.incrementAndGet();
            System.err.println(answer.request().method() + " " + answer.uri().getPath() + " answered " + answer.statusCode() + ": "
                                       + new String(answer.body(), StandardCharsets.UTF_8));
        }
    }

    /** Candidates completed so far, from the migration's counts. */
    private static long completed(URI base, String token) throws Exception {
        HttpResponse<byte[]> answer = send(HttpRequest.newBuilder(base.resolve("/migrations/" + MIGRATION))
                                                   .header("Authorization", "Bearer " + token).GET().build());
        return answer.statusCode() == 200 ? Json.mapper().readTree(answer.body()).path("candidates").path("byStatus").path("completed").asLong() : -1;
    }

    private static String jcmd(Path jcmd, long pid, String what) throws Exception {
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), what).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("jcmd " + what + " failed: " + output);
        }
        return output;
    }

    /** The heap's used total, summed over its generations, from {@code GC.heap_info} (serial: DefNew, Tenured). */
    static long liveHeapKb(String heapInfo) {
        long used = 0;
        for (String line : heapInfo.lines().toList()) {
            // the generations' lines are the unindented ones ("DefNew total ..., used ...K", "Tenured total ...")
            if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && line.contains(" total ")) {
                Matcher m = USED.matcher(line);
                if (m.find()) {
                    used += Long.parseLong(m.group(1));
                }
            }
        }
        if (used == 0) {
            throw new IllegalStateException("no heap use in GC.heap_info:\n" + heapInfo);
        }
        return used;
    }

    private static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for process " + pid);
    }

    private static void awaitOk(Process process, URI uri, String token) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        int last = 0;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the API process exited with " + process.exitValue() + " before it answered");
            }
            try {
                last = send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).GET().build()).statusCode();
                if (last == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(uri + " did not answer 200 within 120 s (last status " + last + ")");
    }

    private static void sleepUntil(long nanoTime, AtomicBoolean stop) {
        while (!stop.get()) {
            long left = nanoTime - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                Thread.sleep(Math.min(Duration.ofNanos(left).toMillis() + 1, 1000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
