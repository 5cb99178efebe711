package dev.drover.cli;

/**
 * {@code --output}: {@code table} for people; {@code json} for scripts, the API's own JSON (its shape is the
 * contract's, schemas/openapi.yaml, so it stays stable and only gains fields).
 */
enum Output {
    table, json
}
