package dev.drover.contract;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Each status enum's constants by wire name, built once per enum: a page read parses a status per row, and scanning
 * the constants (a fresh array and a lower-cased name each) was a twentieth of it (issue 16).
 */
final class WireNames {
    static final ClassValue<Map<String, Object>> BY_WIRE = new ClassValue<>() {
        @Override
        protected Map<String, Object> computeValue(Class<?> type) {
            return Stream.of(type.getEnumConstants()).collect(Collectors.toUnmodifiableMap(c -> ((WireName) c).wire(), Function.identity()));
        }
    };

    private WireNames() {
    }
}
