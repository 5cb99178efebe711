package dev.drover.contract.signing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.proc.JWSVerifierFactory;
import com.nimbusds.jose.util.Base64URL;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;

import java.math.BigInteger;
import java.security.Key;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.ECPublicKey;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ES256 verifiers on BouncyCastle's ECDSA, one per public key, kept. Every step event is verified twice (by the step
 * relay and by the migrator), and the JDK's ECDSA computes the multiples of the public key again for each
 * verification: about 360 µs each on the 2-CPU bench machine, 17% of the samples in a profile of a run. BouncyCastle keeps them with the key's
 * point, so a verification after the first costs about 60 µs. Other algorithms and key types go to Nimbus's default
 * factory (the key selector admits only ES256 today).
 */
final class Es256Verifiers implements JWSVerifierFactory {
    private final Map<Key, JWSVerifier> byKey = new ConcurrentHashMap<>(); // keys come only from the trusted key set
    private final DefaultJWSVerifierFactory others = new DefaultJWSVerifierFactory();

    @Override
    public JWSVerifier createJWSVerifier(JWSHeader header, Key key) throws JOSEException {
        if (!JWSAlgorithm.ES256.equals(header.getAlgorithm()) || !(key instanceof ECPublicKey ec)) {
            return others.createJWSVerifier(header, key);
        }
        JWSVerifier known = byKey.get(key);
        if (known != null) {
            return known;
        }
        JWSVerifier made = Verifier.of(ec);
        JWSVerifier raced = byKey.putIfAbsent(key, made);
        return raced != null ? raced : made;
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return others.supportedJWSAlgorithms();
    }

    @Override
    public JCAContext getJCAContext() {
        return others.getJCAContext();
    }

    /** RFC 7518 §3.4: the signature is R and S, 32 bytes each, over SHA-256 of the signing input. */
    private record Verifier(ECPublicKeyParameters key) implements JWSVerifier {
        // Here rather than in the factory, so a process loads the curve when it first verifies, not when it starts.
        private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
        private static final ECDomainParameters DOMAIN = new ECDomainParameters(P256.getCurve(), P256.getG(), P256.getN(), P256.getH());

        /** The key as a P-256 point, refused when it is of another curve or not on P-256. */
        static Verifier of(ECPublicKey key) throws JOSEException {
            if (!P256.getN().equals(key.getParams().getOrder())) {
                throw new JOSEException("an ES256 key must be on the P-256 curve");
            }
            try {
                return new Verifier(new ECPublicKeyParameters(P256.getCurve().validatePoint(key.getW().getAffineX(), key.getW().getAffineY()), DOMAIN));
            } catch (IllegalArgumentException e) {
                throw new JOSEException("the ES256 key is not a point of P-256");
            }
        }

        @Override
        public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
            if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
                throw new JOSEException("only ES256 is verified here, not " + header.getAlgorithm());
            }
            if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
                return false; // RFC 7515 §4.1.11: no critical extension is understood here
            }
            byte[] rs = signature.decode();
            try {
                ECDSA.ensureLegalSignature(rs, JWSAlgorithm.ES256); // length, and neither R nor S zero or beyond the order
            } catch (JOSEException e) {
                return false;
            }
            ECDSASigner ecdsa = new ECDSASigner();
            ecdsa.init(false, key);
            return ecdsa.verifySignature(sha256(signingInput), new BigInteger(1, rs, 0, 32), new BigInteger(1, rs, 32, 32));
        }

        @Override
        public Set<JWSAlgorithm> supportedJWSAlgorithms() {
            return Set.of(JWSAlgorithm.ES256);
        }

        @Override
        public JCAContext getJCAContext() {
            return new JCAContext();
        }

        private static byte[] sha256(byte[] input) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(input);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
        }
    }
}
