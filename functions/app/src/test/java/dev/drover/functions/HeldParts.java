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
 * What of the platform some functions really hold, found by following their fields (reflection: a test's tool, to
 * check {@link Catalog#uses}, the declaration Main opens by, against the functions as {@link Catalog} builds them).
 */
final class HeldParts {
    private HeldParts() {
    }

    /** Objects visited at most: the functions' graphs are small; this only stops a runaway walk. */
    private static final int LIMIT = 200_000;

    static PlatformUse of(List<Function> functions, Platform platform) {
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
                return PlatformUse.ALL; // cannot tell
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
                return PlatformUse.ALL; // a field that cannot be read: cannot tell
            }
        }
        return new PlatformUse(usesRedis, usesRuns, usesHistory);
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
