package dev.drover.functions;

import dev.drover.core.function.Function;
import dev.drover.core.state.RedisState;
import dev.drover.history.History;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What of the platform some functions hold: Redis (the state store or any of its stores), Temporal (the run
 * client), the history database (its recorder or queries). Read from the functions themselves, as {@link Catalog}
 * builds them, by following their fields: the catalog stays the one list, and a function that starts using the
 * history (or stops) changes what its process opens without a second list to update.
 */
public record PlatformUse(boolean redis, boolean runs, boolean history) {
    /** Objects visited at most: the functions' graphs are small; this only stops a runaway walk. */
    private static final int LIMIT = 200_000;

    public static PlatformUse of(List<Function> functions, Platform platform) {
        Set<Object> redis = identitySet();
        RedisState state = platform.state();
        Collections.addAll(redis, state, state.migrations(), state.candidates(), state.runs(), state.keys(), state.redis());
        Set<Object> runs = identitySet();
        runs.add(platform.runs());
        Set<Object> history = identitySet();
        History h = platform.history();
        Collections.addAll(history, h, h.recorder(), h.queries());

        boolean usesRedis = false;
        boolean usesRuns = false;
        boolean usesHistory = false;
        Set<Object> seen = identitySet();
        Deque<Object> next = new ArrayDeque<>(functions);
        while (!next.isEmpty()) {
            if (seen.size() >= LIMIT) {
                return all(); // cannot tell: open everything, as before
            }
            Object o = next.pop();
            if (o == null || !seen.add(o)) {
                continue;
            }
            if (redis.contains(o)) {
                usesRedis = true;
                continue;
            }
            if (runs.contains(o)) {
                usesRuns = true;
                continue;
            }
            if (history.contains(o)) {
                usesHistory = true;
                continue;
            }
            try {
                children(o, next);
            } catch (RuntimeException | IllegalAccessException e) {
                return all(); // a field that cannot be read: cannot tell, open everything
            }
        }
        return new PlatformUse(usesRedis, usesRuns, usesHistory);
    }

    /** Everything: the all-in-one server, or when some functions are not known. */
    public static PlatformUse all() {
        return new PlatformUse(true, true, true);
    }

    private static void children(Object o, Deque<Object> next) throws IllegalAccessException {
        switch (o) {
            case Object[] array -> {
                for (Object item : array) {
                    push(next, item);
                }
            }
            case Collection<?> collection -> collection.forEach(item -> push(next, item));
            case Map<?, ?> map -> map.forEach((k, v) -> {
                push(next, k);
                push(next, v);
            });
            case Optional<?> optional -> optional.ifPresent(next::push);
            default -> {
                for (Class<?> c = o.getClass(); c != null && c.getName().startsWith("dev.drover."); c = c.getSuperclass()) {
                    for (Field field : c.getDeclaredFields()) {
                        if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
                            continue;
                        }
                        field.setAccessible(true);
                        push(next, field.get(o));
                    }
                }
            }
        }
    }

    private static void push(Deque<Object> next, Object o) {
        if (o != null) {
            next.push(o);
        }
    }

    private static Set<Object> identitySet() {
        return Collections.newSetFromMap(new IdentityHashMap<>());
    }
}
