package dev.drover.contract.model;

/**
 * A value that breaks one of Drover's input rules; the message names the field and the rule, the
 * code is the stable machine-readable reason a client gets with its 400.
 */
public class InvalidInput extends IllegalArgumentException {
    public static final String INVALID_REQUEST = "invalid_request";
    public static final String MALFORMED_JSON = "malformed_json";

    private final String code;

    public InvalidInput(String message) {
        this(INVALID_REQUEST, message);
    }

    public InvalidInput(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
