package dev.drover.bench;

import redis.clients.jedis.Jedis;

import java.lang.management.ManagementFactory;
import java.net.URI;

/**
 * CPU time used so far by this JVM and by the Redis server it talks to (Redis's own {@code INFO cpu}), and the time
 * the JVM's compilers spent, in seconds. On a shared 2-CPU machine wall time moves with whatever else runs; CPU per
 * unit of work moves much less, so harnesses report both, and the compilers' share says whether the JIT was still
 * at work while they measured.
 */
record CpuTime(double jvm, double redis, double compiling) {

    /** Time the JVM's compilers have spent so far, summed over their threads. */
    static double compilingSeconds() {
        return ManagementFactory.getCompilationMXBean().getTotalCompilationTime() / 1e3;
    }

    static CpuTime now(URI redisUrl) {
        double jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
        double redis = 0;
        try (Jedis jedis = new Jedis(redisUrl)) {
            for (String line : jedis.info("cpu").split("\r?\n")) {
                if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                    redis += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        }
        return new CpuTime(jvm, redis, compilingSeconds());
    }

    CpuTime since(CpuTime start) {
        return new CpuTime(jvm - start.jvm, redis - start.redis, compiling - start.compiling);
    }
}
