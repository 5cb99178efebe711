package dev.drover.core.function;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The functions an image of their own serves (the reads', the writes', the history's, the runs'), each built from what
 * that image opens ({@code P}): by name for its Knative Service ({@code FUNCTION=name}), all of them without one. The
 * image of every function builds them from here too.
 *
 * @param <P> what the image's functions are built from
 */
public final class ImageFunctions<P> {
    /** Where a function of another image runs, for a refusal: each image says only what it serves. */
    public static final String OTHERS = "another function runs from its own image or drover-functions (knative/README.md, \"Images\")";

    private final String kind;
    private final Map<String, java.util.function.Function<P, Function>> functions;

    /**
     * @param kind      what the functions are, for the refusal of another name ("read", "write", "history", "run")
     * @param functions each function's name and how it is built, in the order they are served
     */
    public ImageFunctions(String kind, Map<String, java.util.function.Function<P, Function>> functions) {
        this.kind = kind;
        this.functions = Collections.unmodifiableMap(new LinkedHashMap<>(functions));
    }

    /** Every function's name, in the order they are served. */
    public List<String> names() {
        return List.copyOf(functions.keySet());
    }

    /**
     * How the function {@code name} is built.
     *
     * @throws IllegalArgumentException when {@code name} is none of these functions (the message names them)
     */
    public java.util.function.Function<P, Function> make(String name) {
        java.util.function.Function<P, Function> make = functions.get(name);
        if (make == null) {
            throw new IllegalArgumentException("FUNCTION=" + name + " names no " + kind + " function (this image serves the " + kind
                    + " functions alone; " + OTHERS + "); known: " + String.join(", ", new TreeSet<>(functions.keySet())));
        }
        return make;
    }

    /** The functions one process serves: the one named, or all when none is named. */
    public List<Function> build(P parts, Optional<String> name) {
        return name.map(n -> List.of(make(n).apply(parts)))
                .orElseGet(() -> functions.values().stream().map(make -> make.apply(parts)).toList());
    }
}
