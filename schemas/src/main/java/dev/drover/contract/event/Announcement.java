package dev.drover.contract.event;

/**
 * How a migrator announces its migration: a CloudEvent of type {@value #TYPE} on topic {@value #TOPIC}, its data
 * the migration's definition, and its migrator's bearer token in the extension {@value #TOKEN_EXTENSION}. Dapr
 * delivers the event without the publisher's HTTP headers, so the identity travels inside it.
 */
public final class Announcement {
    public static final String TOPIC = "migration-registry";
    public static final String TYPE = "dev.drover.migration.announced";
    public static final String TOKEN_EXTENSION = "droverauth";

    private Announcement() {
    }
}
