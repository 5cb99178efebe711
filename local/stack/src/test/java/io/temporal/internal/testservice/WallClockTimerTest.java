package io.temporal.internal.testservice;

import io.temporal.workflow.Functions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded server's timer: tasks run when the wall clock reaches them, whatever the time-skipping locks say. */
class WallClockTimerTest {
    private final WallClockServices.WallClockTimer timer = new WallClockServices.WallClockTimer();

    @AfterEach
    void shutdown() {
        timer.shutdown();
    }

    @Test
    void aTaskRunsWhenItsTimeComesNotBefore() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        long start = System.nanoTime();
        // Unlocking time skipping (as the server does when a workflow goes idle) must not make the task run early.
        timer.updateLocks(List.of(new RequestContext.TimerLockChange("test", -1)));
        timer.unlockTimeSkipping("test");
        timer.schedule(Duration.ofMillis(300), ran::countDown, "in 300 ms");
        assertTrue(ran.await(5, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(300), "ran before its time");
    }

    /** By due time, not by the order they were scheduled in; each no earlier than its own time. */
    @Test
    void tasksRunInTheOrderTheirTimesCome() throws Exception {
        Queue<String> order = new ConcurrentLinkedQueue<>();
        Map<String, Long> ranAfter = new ConcurrentHashMap<>();
        CountDownLatch both = new CountDownLatch(2);
        long start = System.nanoTime();
        for (int millis : new int[] {600, 300}) {
            String name = "in " + millis + " ms";
            timer.schedule(Duration.ofMillis(millis), () -> {
                order.add(name);
                ranAfter.put(name, System.nanoTime() - start);
                both.countDown();
            }, name);
        }
        assertTrue(both.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("in 300 ms", "in 600 ms"), List.copyOf(order));
        assertTrue(ranAfter.get("in 300 ms") >= TimeUnit.MILLISECONDS.toNanos(300), ranAfter.toString());
        assertTrue(ranAfter.get("in 600 ms") >= TimeUnit.MILLISECONDS.toNanos(600), ranAfter.toString());
    }

    @Test
    void aCancelledTaskNeverRunsAndLeavesTheQueue() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        Functions.Proc cancel = timer.schedule(Duration.ofMillis(200), () -> ran.set(true), "cancelled");
        cancel.apply();
        StringBuilder diagnostics = new StringBuilder();
        timer.getDiagnostics(diagnostics);
        assertTrue(diagnostics.toString().contains(" 0 tasks scheduled"), diagnostics.toString());
        Thread.sleep(400);
        assertFalse(ran.get());
    }

    @Test
    void theClockIsTheWallClockAndCannotBeSkipped() {
        long before = System.currentTimeMillis();
        long now = timer.getClock().getAsLong();
        assertTrue(now >= before && now <= System.currentTimeMillis());
        assertThrows(UnsupportedOperationException.class, () -> timer.skip(Duration.ofHours(1)));
        assertTrue(timer.getClock().getAsLong() < before + Duration.ofHours(1).toMillis());
    }

    @Test
    void aFailingTaskDoesNotStopTheOthers() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        timer.schedule(Duration.ZERO, () -> {
            throw new IllegalStateException("a task that fails");
        }, "failing");
        timer.schedule(Duration.ofMillis(50), ran::countDown, "next");
        assertTrue(ran.await(5, TimeUnit.SECONDS));
    }
}
