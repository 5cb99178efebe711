package dev.drover.core.state;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RenderedReadsTest {
    private static final MigrationStamp V1 = new MigrationStamp("app", "2026-12-03T10:00:00Z", 1);
    private static final MigrationStamp V2 = new MigrationStamp("app", "2026-12-03T10:00:00Z", 2);

    private record Read(String migrationId) {
    }

    /** Renders "<text>#<n>", n counting its renders, so a test sees which render a read got. */
    private static final class Renderer implements Supplier<byte[]> {
        final AtomicInteger renders = new AtomicInteger();
        private final String text;

        Renderer(String text) {
            this.text = text;
        }

        @Override
        public byte[] get() {
            return (text + "#" + renders.incrementAndGet()).getBytes(StandardCharsets.UTF_8);
        }
    }

    private static String read(RenderedReads reads, Object key, MigrationStamp stamp, Renderer renderer) {
        return new String(reads.get(key, stamp, renderer), StandardCharsets.UTF_8);
    }

    @Test
    void aReadAtTheSameStampIsServedWhatWasRenderedAndAnyChangeRendersAgain() {
        RenderedReads reads = new RenderedReads(RenderedReads.DEFAULT_MAX_BYTES);
        Renderer page = new Renderer("page");
        assertEquals("page#1", read(reads, new Read("m"), V1, page));
        assertEquals("page#1", read(reads, new Read("m"), V1, page));
        assertEquals("page#2", read(reads, new Read("m"), V2, page), "a new version is rendered");
        assertEquals("page#2", read(reads, new Read("m"), V2, page));
        MigrationStamp recreated = new MigrationStamp("app", "2026-12-03T11:00:00Z", 2);
        assertEquals("page#3", read(reads, new Read("m"), recreated, page), "the same version of a recreated migration is rendered");
        MigrationStamp transferred = new MigrationStamp("other", "2026-12-03T11:00:00Z", 2);
        assertEquals("page#4", read(reads, new Read("m"), transferred, page), "a stamp differing in anything is rendered");
    }

    @Test
    void readsOfOtherKeysAreKeptApart() {
        RenderedReads reads = new RenderedReads(RenderedReads.DEFAULT_MAX_BYTES);
        assertEquals("m#1", read(reads, new Read("m"), V1, new Renderer("m")));
        assertEquals("n#1", read(reads, new Read("n"), V1, new Renderer("n")));
        assertEquals("m#1", read(reads, new Read("m"), V1, new Renderer("not rendered")));
    }

    @Test
    void aSlowRenderOfAnOlderStampDoesNotReplaceANewerOne() {
        RenderedReads reads = new RenderedReads(RenderedReads.DEFAULT_MAX_BYTES);
        Renderer page = new Renderer("page");
        assertEquals("page#1", read(reads, new Read("m"), V2, page));
        // A read that found V1 before the change, finishing its render after V2's was kept.
        assertEquals("page#2", read(reads, new Read("m"), V1, page));
        assertEquals("page#1", read(reads, new Read("m"), V2, page), "V2's render is still the one kept");
    }

    @Test
    void readsThatMissTogetherWaitForOneRender() throws Exception {
        RenderedReads reads = new RenderedReads(RenderedReads.DEFAULT_MAX_BYTES);
        CountDownLatch rendering = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger renders = new AtomicInteger();
        Supplier<byte[]> slow = () -> {
            renders.incrementAndGet();
            rendering.countDown();
            await(release);
            return "page".getBytes(StandardCharsets.UTF_8);
        };
        try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<byte[]> first = readers.submit(() -> reads.get(new Read("m"), V1, slow));
            assertTrue(rendering.await(10, TimeUnit.SECONDS));
            List<Future<byte[]>> others = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                others.add(readers.submit(() -> reads.get(new Read("m"), V1, slow)));
            }
            Thread.sleep(200); // the others are waiting by now; if they rendered, the count shows it
            release.countDown();
            assertEquals("page", new String(first.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
            for (Future<byte[]> other : others) {
                assertEquals("page", new String(other.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
            }
        }
        assertEquals(1, renders.get());
    }

    @Test
    void aFailedRenderFailsTheReadsWaitingForItAndTheNextReadRendersAgain() throws Exception {
        RenderedReads reads = new RenderedReads(RenderedReads.DEFAULT_MAX_BYTES);
        CountDownLatch rendering = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Supplier<byte[]> failing = () -> {
            rendering.countDown();
            await(release);
            throw new IllegalStateException("Redis went away");
        };
        try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<byte[]> first = readers.submit(() -> reads.get(new Read("m"), V1, failing));
            assertTrue(rendering.await(10, TimeUnit.SECONDS));
            Future<byte[]> waiting = readers.submit(() -> reads.get(new Read("m"), V1, () -> {
                throw new AssertionError("a read that arrives during a render waits for it");
            }));
            Thread.sleep(200);
            release.countDown();
            for (Future<byte[]> read : List.of(first, waiting)) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> read.get(10, TimeUnit.SECONDS));
                assertEquals(IllegalStateException.class, e.getCause().getClass(), "the render's own failure, as thrown");
            }
        }
        assertEquals("page#1", read(reads, new Read("m"), V1, new Renderer("page")));
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anAnswerNobodyReadsForAMinuteIsDropped() {
        AtomicLong nanos = new AtomicLong();
        RenderedReads reads = new RenderedReads(RenderedReads.DEFAULT_MAX_BYTES, nanos::get);
        Renderer page = new Renderer("page");
        assertEquals("page#1", read(reads, new Read("m"), V1, page));
        nanos.addAndGet(RenderedReads.UNREAD.toNanos() - 1);
        assertEquals("page#1", read(reads, new Read("m"), V1, page), "read within the minute: kept, and kept a minute more");
        nanos.addAndGet(RenderedReads.UNREAD.toNanos() - 1);
        assertEquals("page#1", read(reads, new Read("m"), V1, page));
        nanos.addAndGet(RenderedReads.UNREAD.toNanos());
        assertEquals("page#2", read(reads, new Read("m"), V1, page), "unread for a minute: rendered again");
    }

    @Test
    void withNoRoomEveryReadRenders() {
        RenderedReads reads = new RenderedReads(0);
        Renderer page = new Renderer("page");
        assertEquals("page#1", read(reads, new Read("m"), V1, page));
        assertEquals("page#2", read(reads, new Read("m"), V1, page));
    }
}
