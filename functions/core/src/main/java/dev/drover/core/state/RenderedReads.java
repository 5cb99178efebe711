package dev.drover.core.state;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Responses rendered from a migration's state, kept while the migration is unchanged (ADR 0018): a read asks Redis
 * for the migration's {@link MigrationStamp} (one command) and gets the bytes rendered at that stamp without reading
 * or rendering again. The 50-candidate page is ~150 Redis replies and ~16 KB of JSON; its stamp is one small reply.
 *
 * <p>Never stale: a response is kept with the stamp read <em>before</em> its state was read, and served only to a
 * read that finds that same stamp. Since every change bumps the version in the script that makes it, such a read
 * comes before any change after the one the response's state shows, so the response is no older than the state
 * the read could have read itself. Reads that miss together wait for one render of their key and stamp. Each process
 * keeps its own; bounded by the responses' size.
 */
public final class RenderedReads {
    /** What a process keeps by default: a page is ~16 KB, so about a thousand pages. */
    public static final long DEFAULT_MAX_BYTES = 16L << 20;

    private record Rendered(MigrationStamp stamp, byte[] bytes) {
    }

    /** A render under way: of {@code key}, at {@code stamp}. */
    private record Rendering(Object key, MigrationStamp stamp) {
    }

    private final Cache<Object, Rendered> kept;
    private final Map<Rendering, CompletableFuture<byte[]>> rendering = new ConcurrentHashMap<>();

    /**
     * How long an answer nobody reads is kept: pages read once (a cursor deep in a migration) or made stale by a change
     * would otherwise stay until the bound pushes them out, holding a pod's memory for nothing.
     */
    static final Duration UNREAD = Duration.ofMinutes(1);

    /** @param maxBytes the most bytes of responses kept; 0 keeps none (every read renders) */
    public RenderedReads(long maxBytes) {
        this(maxBytes, Ticker.systemTicker());
    }

    RenderedReads(long maxBytes, Ticker ticker) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must be 0 or more, got " + maxBytes);
        }
        this.kept = maxBytes == 0 ? null : Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((Object key, Rendered rendered) -> rendered.bytes().length)
                .expireAfterAccess(UNREAD)
                .ticker(ticker)
                .build();
    }

    /**
     * The response for {@code key} at {@code stamp}: the kept one when it was rendered at this stamp, else
     * {@code render}'s, which is kept in its place. {@code key} names the read and everything its answer depends on
     * besides the migration's state (a record of the function's own, so two functions never share a key); the stamp
     * must have been read before {@code render} reads the state.
     */
    public byte[] get(Object key, MigrationStamp stamp, Supplier<byte[]> render) {
        if (kept == null) {
            return render.get();
        }
        Rendered rendered = kept.getIfPresent(key);
        if (rendered != null && rendered.stamp().equals(stamp)) {
            return rendered.bytes();
        }
        // One render per key and stamp: right after a change, every read in flight misses at once (32 at a time in
        // ReadBench), and rendering the same page for each cost more than the change itself.
        Rendering mine = new Rendering(key, stamp);
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        CompletableFuture<byte[]> running = rendering.putIfAbsent(mine, result);
        if (running != null) {
            return awaitOther(running);
        }
        try {
            byte[] bytes = render.get();
            kept.asMap().merge(key, new Rendered(stamp, bytes),
                               // A slower render of an older stamp must not replace a newer one.
                               (old, fresh) -> old.stamp().createdAt().equals(fresh.stamp().createdAt())
                                                       && old.stamp().version() > fresh.stamp().version() ? old : fresh);
            result.complete(bytes);
            return bytes;
        } catch (RuntimeException | Error e) {
            result.completeExceptionally(e);
            throw e;
        } finally {
            rendering.remove(mine, result);
        }
    }

    /** Another read's render of the same key and stamp: its bytes, or its failure as it was thrown there. */
    private static byte[] awaitOther(CompletableFuture<byte[]> running) {
        try {
            return running.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
