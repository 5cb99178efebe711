package dev.drover.migrator;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DiscoveryRunsTest {
    @Test
    void triggersDuringARunCoalesceIntoOneMoreRun() throws Exception {
        CountDownLatch firstRunStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            DiscoveryRuns discoveries = new DiscoveryRuns(() -> {
                maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                runs.incrementAndGet();
                firstRunStarted.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                concurrent.decrementAndGet();
            }, executor);
            discoveries.trigger();
            assertTrue(firstRunStarted.await(5, TimeUnit.SECONDS));
            for (int i = 0; i < 20; i++) {
                executor.submit(discoveries::trigger);
            }
            Thread.sleep(200);
            release.countDown();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (discoveries.completed() < 2 && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            Thread.sleep(200);
            assertEquals(2, runs.get(), "the run going, then one for every trigger that came during it");
            assertEquals(1, maxConcurrent.get(), "never two scans at once");

            discoveries.trigger();
            while (discoveries.completed() < 3 && System.nanoTime() < until + TimeUnit.SECONDS.toNanos(5)) {
                Thread.sleep(10);
            }
            assertEquals(3, runs.get(), "a trigger after the runs ended runs discovery again");
        }
    }

    @Test
    void aFailedRunDoesNotStopTheNextTrigger() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            DiscoveryRuns discoveries = new DiscoveryRuns(() -> {
                runs.incrementAndGet();
                throw new IllegalStateException("the git host is down");
            }, executor);
            discoveries.trigger();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (discoveries.completed() < 1 && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            discoveries.trigger();
            while (discoveries.completed() < 2 && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            assertEquals(2, runs.get());
        }
    }
}
