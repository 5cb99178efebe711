package dev.drover.workflows.outbox;

import dev.drover.core.state.RedisState;
import dev.drover.history.History;
import dev.drover.history.HistorySettings;

import java.lang.System.Logger.Level;

/**
 * Opens the history database in the background, retrying until it answers, then runs the outbox writer
 * on it: the process that hosts the writer (the run worker) starts and serves while the database is down.
 */
public final class HistoryOutboxWriters implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(HistoryOutboxWriters.class.getName());

    private volatile boolean closed;
    private volatile History history;
    private volatile HistoryOutboxWriter writer;
    private final Thread opener;

    private HistoryOutboxWriters(RedisState state, HistorySettings settings, String consumer) {
        opener = Thread.ofPlatform().daemon().name("history-opener").start(() -> {
            long backoff = 500;
            while (!closed) {
                try {
                    History opened = History.open(settings);
                    synchronized (this) {
                        if (closed) {
                            opened.close();
                            return;
                        }
                        history = opened;
                        writer = new HistoryOutboxWriter(state.redis(), state.keys(), opened, consumer).start();
                    }
                    return;
                } catch (RuntimeException e) {
                    LOGGER.log(Level.WARNING, "history database not reachable (" + e.getMessage() + "); history waits in "
                            + "the outbox, retrying in " + backoff + " ms");
                    try {
                        Thread.sleep(backoff);
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                    backoff = Math.min(backoff * 2, 30_000);
                }
            }
        });
    }

    public static HistoryOutboxWriters startWhenReachable(RedisState state, HistorySettings settings, String consumer) {
        return new HistoryOutboxWriters(state, settings, consumer);
    }

    @Override
    public synchronized void close() {
        closed = true;
        opener.interrupt();
        if (writer != null) {
            writer.close();
        }
        if (history != null) {
            history.close();
        }
    }
}
