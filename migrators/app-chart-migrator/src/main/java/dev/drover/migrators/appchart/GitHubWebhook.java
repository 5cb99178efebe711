package dev.drover.migrators.appchart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;

/**
 * GitHub webhook deliveries: checks {@code X-Hub-Signature-256} (HMAC-SHA256 of the raw body with the
 * webhook secret) before anything is read, and recognises a merged pull request, which is the event that
 * re-triggers the await-merge step.
 */
public final class GitHubWebhook {
    public static final String SIGNATURE_HEADER = "X-Hub-Signature-256";
    public static final String EVENT_HEADER = "X-GitHub-Event";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] secret;

    public GitHubWebhook(String secret) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("a webhook secret is required: unsigned deliveries would let anyone fake a merge");
        }
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether {@code signature} ({@code sha256=<hex>}) signs {@code body}; compared in constant time. */
    public boolean verify(byte[] body, String signature) {
        if (signature == null || !signature.startsWith("sha256=")) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(signature.substring("sha256=".length()).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(sign(body), given);
    }

    /** The signature GitHub would send for {@code body}: {@code sha256=<hex>}. */
    public String signature(byte[] body) {
        return "sha256=" + HexFormat.of().formatHex(sign(body));
    }

    /**
     * The head branch of a pull request this delivery reports as merged ({@code pull_request} event,
     * action {@code closed}, {@code merged: true}); empty for every other delivery.
     */
    public static Optional<String> mergedBranch(String event, byte[] body) throws IOException {
        if (!"pull_request".equals(event)) {
            return Optional.empty();
        }
        JsonNode payload = JSON.readTree(body);
        JsonNode pull = payload.path("pull_request");
        if ("closed".equals(payload.path("action").asText()) && pull.path("merged").asBoolean(false)) {
            return Optional.of(pull.path("head").path("ref").asText());
        }
        return Optional.empty();
    }

    private byte[] sign(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
