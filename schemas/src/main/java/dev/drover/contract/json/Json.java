package dev.drover.contract.json;

import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.drover.contract.model.InvalidInput;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Instant;

/**
 * Drover's one JSON mapping: strict on input (unknown fields, wrong types, trailing data are errors
 * that name the field), stable on output (map keys sorted, ISO-8601 instants).
 */
public final class Json {
    private static final ObjectMapper MAPPER = createMapper();

    private Json() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Reads {@code bytes} as a {@code type}; any problem is an {@link InvalidInput} naming where it is. */
    public static <T> T read(byte[] bytes, Class<T> type) {
        try {
            return notNull(MAPPER.readValue(bytes, type));
        } catch (IOException e) {
            throw invalid(e);
        }
    }

    public static <T> T read(byte[] bytes, TypeReference<T> type) {
        try {
            return notNull(MAPPER.readValue(bytes, type));
        } catch (IOException e) {
            throw invalid(e);
        }
    }

    /** A body of JSON {@code null} reads as Java null, which no caller expects: it is a body that says nothing. */
    private static <T> T notNull(T value) {
        if (value == null) {
            throw new InvalidInput("at $: must not be null");
        }
        return value;
    }

    /**
     * A reader per stored type, made once: {@code readValue(json, type)} resolves the type anew on every call, which was
     * a twentieth of a page read (three values per row; issue 16). Keyed by class: a {@link TypeReference} is an
     * anonymous class per place it is written, so the map stays as small as the code.
     */
    private static final ClassValue<ObjectReader> STORED_READERS = new ClassValue<>() {
        @Override
        protected ObjectReader computeValue(Class<?> key) {
            if (TypeReference.class.isAssignableFrom(key)) {
                Type type = ((ParameterizedType) key.getGenericSuperclass()).getActualTypeArguments()[0];
                return MAPPER.readerFor(MAPPER.getTypeFactory().constructType(type));
            }
            return MAPPER.readerFor(key);
        }
    };

    /** Reads JSON that Drover itself wrote (Redis); a failure here is a bug or corruption, not bad input. */
    public static <T> T readStored(String json, TypeReference<T> type) {
        try {
            return STORED_READERS.get(type.getClass()).readValue(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON does not parse: " + e.getOriginalMessage(), e);
        }
    }

    public static <T> T readStored(String json, Class<T> type) {
        try {
            return STORED_READERS.get(type).readValue(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON does not parse: " + e.getOriginalMessage(), e);
        }
    }

    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String string(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InvalidInput invalid(IOException e) {
        if (e instanceof StreamReadException || e.getCause() instanceof StreamReadException) {
            StreamReadException read = e instanceof StreamReadException r ? r : (StreamReadException) e.getCause();
            // Where, not Jackson's own wording: its messages name its internals ("code 125", "START_OBJECT token").
            return new InvalidInput(InvalidInput.MALFORMED_JSON, "malformed JSON" + where(read));
        }
        if (!(e instanceof JsonMappingException mapping)) {
            return new InvalidInput(InvalidInput.MALFORMED_JSON, "the body could not be read as JSON");
        }
        String at = "at " + path(mapping) + ": ";
        if (mapping.getCause() instanceof InvalidInput rule) {
            // A rule broken inside a record's constructor arrives wrapped; its message is the useful part.
            return new InvalidInput(rule.code(), at + rule.getMessage());
        }
        if (mapping instanceof UnrecognizedPropertyException unknown) {
            return new InvalidInput(at + "unknown field '" + unknown.getPropertyName() + "'; known fields: "
                                            + String.join(", ", unknown.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList()));
        }
        if (mapping instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            return new InvalidInput(at + "must be " + describe(mismatch.getTargetType()));
        }
        return new InvalidInput(at + "is not a valid value here");
    }

    private static String where(StreamReadException e) {
        if (e.getLocation() == null || e.getLocation().getLineNr() < 1) {
            return "";
        }
        return " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    /** The JSON name of what a Java type reads, for messages a client can act on. */
    private static String describe(Class<?> type) {
        if (type == String.class || type.isEnum()) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            } else if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            }
        }
        return path.isEmpty() ? "$" : path.toString();
    }

    private static ObjectMapper createMapper() {
        JsonMapper mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(new SimpleModule("drover-instants").addSerializer(Instant.class, new InstantText.Serializer()))
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build();
        // "name": 42 or "count": "42" is a client's mistake; Jackson would quietly convert it.
        for (CoercionInputShape shape : new CoercionInputShape[] {CoercionInputShape.Integer,
                CoercionInputShape.Float, CoercionInputShape.Boolean}) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        for (LogicalType type : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        return mapper;
    }
}
