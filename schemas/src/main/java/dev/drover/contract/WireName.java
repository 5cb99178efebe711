package dev.drover.contract;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.drover.contract.model.InvalidInput;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A status on the wire: the enum constant's name in lower case ({@code NOT_STARTED} is {@code not_started}). Every
 * status enum of the contract implements it, so each is written, read and listed in errors the same way.
 */
public interface WireName {
    /** The constant's name, as every contract enum has it. */
    String name();

    @JsonValue
    default String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The constant whose wire name is {@code wire}, if any. */
    static <E extends Enum<E> & WireName> Optional<E> parse(Class<E> type, String wire) {
        return Optional.ofNullable(type.cast(WireNames.BY_WIRE.get(type).get(wire)));
    }

    /**
     * The constant whose wire name is {@code wire}, else an {@link InvalidInput} naming {@code what} and every
     * accepted value (a 400 at the edge).
     */
    static <E extends Enum<E> & WireName> E read(Class<E> type, String what, String wire) {
        return parse(type, wire).orElseThrow(() -> new InvalidInput(what + " '" + wire + "' is not one of " + names(type)));
    }

    /** Every wire name of {@code type}, comma separated, for error messages. */
    static <E extends Enum<E> & WireName> String names(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(WireName::wire).collect(Collectors.joining(", "));
    }
}
