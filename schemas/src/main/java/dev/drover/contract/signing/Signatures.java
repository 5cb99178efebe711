package dev.drover.contract.signing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.erdtman.jcs.JsonCanonicalizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;

/**
 * The platform's signatures on what it sends to migrators (docs/adr/0007-security.md has the format):
 * <ul>
 *     <li>a step event carries a JWS in the CloudEvent extension {@value #EVENT_EXTENSION}, whose claims bind the
 *     event's id, type, addressee and a SHA-256 of its data in RFC 8785 canonical form (a bus may re-encode JSON);</li>
 *     <li>a request (a dry-run) carries one as {@code Authorization: Bearer}, binding method, path and the body's bytes.</li>
 * </ul>
 */
public final class Signatures {
    /** The CloudEvent extension that carries a step event's signature. */
    public static final String EVENT_EXTENSION = "droversig";
    public static final String ISSUER = "drover";
    public static final JOSEObjectType EVENT_TYPE = new JOSEObjectType("drover-event+jwt");
    public static final JOSEObjectType REQUEST_TYPE = new JOSEObjectType("drover-request+jwt");
    /** Long enough for a broker's redeliveries; a step event older than this is refused and dead-lettered. */
    public static final Duration EVENT_LIFETIME = Duration.ofHours(24);
    public static final Duration REQUEST_LIFETIME = Duration.ofMinutes(5);

    private Signatures() {
    }

    public static String signEvent(SigningKeys keys, String eventId, String type, String migratorApp, byte[] data, Instant now) {
        return sign(keys, EVENT_TYPE, new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(migratorApp)
                .subject(eventId)
                .claim("cetype", type)
                .claim("data_sha256", dataDigest(data))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(EVENT_LIFETIME)))
                .build());
    }

    public static String signRequest(SigningKeys keys, String migratorApp, String method, String path, byte[] body, Instant now) {
        return sign(keys, REQUEST_TYPE, new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(migratorApp)
                .subject(ISSUER)
                .jwtID(UUID.randomUUID().toString())
                .claim("htm", method)
                .claim("htu", path)
                .claim("body_sha256", digest(body))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(REQUEST_LIFETIME)))
                .build());
    }

    private static String sign(SigningKeys keys, JOSEObjectType type, JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(type).keyID(keys.keyId()).build(), claims);
        try {
            jwt.sign(keys.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign", e);
        }
        return jwt.serialize();
    }

    /** SHA-256 of the JSON's RFC 8785 canonical form, base64url; an {@link IllegalArgumentException} if it is no JSON. */
    public static String dataDigest(byte[] json) {
        try {
            return digest(new JsonCanonicalizer(new String(json, StandardCharsets.UTF_8)).getEncodedUTF8());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("the data is not JSON: " + e.getMessage());
        }
    }

    /** Base64url (no padding) of the SHA-256 of {@code bytes}: how every digest of the contract is written. */
    public static String digest(byte[] bytes) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
