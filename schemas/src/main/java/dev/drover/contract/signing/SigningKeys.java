package dev.drover.contract.signing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The platform's signing keys ({@code DROVER_SIGNING_KEY}: a JWK set, or one JWK, of EC P-256 keys). The first
 * private key signs step events and requests to migrators; every key in the set verifies, so a rotation adds the
 * new key first and keeps the old one until what it signed has expired. Callback tokens are derived from the
 * signing key too, so the same secret is the only one the worker needs.
 */
public final class SigningKeys {
    public static final String ENV = "DROVER_SIGNING_KEY";

    private final ECKey signing;
    private final JWKSet publicKeys;

    private SigningKeys(ECKey signing, JWKSet publicKeys) {
        this.signing = signing;
        this.publicKeys = publicKeys;
    }

    public static SigningKeys fromEnvironment(Map<String, String> env) {
        String value = env.get(ENV);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(ENV + " is not set: give the platform's signing key, a JWK set with a private "
                    + "EC P-256 key (see knative/README.md for how to make one)");
        }
        return parse(value, ENV);
    }

    static SigningKeys parse(String json, String name) {
        List<JWK> keys;
        try {
            keys = json.contains("\"keys\"") ? JWKSet.parse(json).getKeys() : List.of(JWK.parse(json));
        } catch (ParseException e) {
            throw new IllegalArgumentException(name + " is not a JWK or a JWK set: " + e.getMessage());
        }
        ECKey signing = keys.stream()
                .filter(k -> k instanceof ECKey ec && ec.isPrivate() && Curve.P_256.equals(ec.getCurve()) && ec.getKeyID() != null)
                .map(ECKey.class::cast)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(name + " has no private EC P-256 key with a key id (kid)"));
        return new SigningKeys(signing, new JWKSet(keys.stream().map(JWK::toPublicJWK).toList()));
    }

    /** A fresh key: for the local stack and tests, where nothing outlives the process. */
    public static SigningKeys generate() {
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
                    .keyID("drover-" + UUID.randomUUID()).generate();
            return new SigningKeys(key, new JWKSet(key.toPublicJWK()));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an EC key", e);
        }
    }

    /** What migrators verify with ({@code GET /platform/keys}): public keys only. */
    public JWKSet publicKeys() {
        return publicKeys;
    }

    /** The whole secret, as {@value #ENV} takes it. */
    public String secretJson() {
        return new JWKSet(signing).toString(false);
    }

    String keyId() {
        return signing.getKeyID();
    }

    ECDSASigner signer() {
        try {
            return new ECDSASigner(signing);
        } catch (JOSEException e) {
            throw new IllegalStateException("the signing key cannot sign", e);
        }
    }

    /**
     * A key for one purpose, derived from the signing key (SHA-256 over the purpose and the private scalar), so that
     * a secret made for one use can never be taken for another.
     */
    public byte[] derive(String purpose) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(purpose.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(signing.getD().decode());
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
