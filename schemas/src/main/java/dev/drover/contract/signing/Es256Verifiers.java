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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * ES256 verifiers on BouncyCastle's ECDSA, one per public key, kept. Every step event is verified twice (by the step
 * relay and by the migrator), and the JDK's ECDSA computes the multiples of the public key again for each
 * verification: about 360 µs each on the 2-CPU bench machine, 17% of the samples in a profile of a run. BouncyCastle
 * keeps them with the key's point, so a verification after the first costs about 60 µs.
 * <p>
 * But BouncyCastle's first verification in a fresh JVM takes about 180 ms (its classes and tables) against the JDK's
 * 20 ms, and a migrator that scales to zero verifies first what woke it. So a key is verified by Nimbus's default
 * (the JDK's) until it has been used {@value #WARM_AFTER} times; BouncyCastle's verifier is then built on a virtual
 * thread and used once it is ready. Other algorithms and key types go to Nimbus's default factory (the key selector
 * admits only ES256 today).
 */
final class Es256Verifiers implements JWSVerifierFactory {
    /** Verifications with one key before its BouncyCastle verifier is built. */
    static final int WARM_AFTER = 32;

    private final int warmAfter;
    private final Map<Key, Slot> byKey = new ConcurrentHashMap<>(); // keys come only from the trusted key set
    private final DefaultJWSVerifierFactory others = new DefaultJWSVerifierFactory();

    Es256Verifiers() {
        this(WARM_AFTER);
    }

    /** {@code warmAfter} 0: BouncyCastle's verifier from the first verification, built at once (tests). */
    Es256Verifiers(int warmAfter) {
        this.warmAfter = warmAfter;
    }

    @Override
    public JWSVerifier createJWSVerifier(JWSHeader header, Key key) throws JOSEException {
        if (!JWSAlgorithm.ES256.equals(header.getAlgorithm()) || !(key instanceof ECPublicKey ec)) {
            return others.createJWSVerifier(header, key);
        }
        Slot slot = byKey.computeIfAbsent(key, k -> new Slot());
        if (warmAfter == 0 && slot.fast == null) {
            slot.fast = Verifier.of(ec);
        }
        JWSVerifier fast = slot.fast;
        if (fast != null) {
            return fast;
        }
        if (slot.uses.incrementAndGet() == warmAfter) {
            Thread.ofVirtual().name("es256-verifier").start(() -> {
                try {
                    Verifier verifier = Verifier.of(ec);
                    verifier.warm();
                    slot.fast = verifier;
                } catch (JOSEException | RuntimeException e) {
                    // not a P-256 point: the JDK's verifier goes on refusing what it must
                }
            });
        }
        return others.createJWSVerifier(header, key);
    }

    /** Whether {@code key} is verified by BouncyCastle by now. */
    boolean fast(Key key) {
        Slot slot = byKey.get(key);
        return slot != null && slot.fast != null;
    }

    /** One key's use, and its BouncyCastle verifier once built. */
    private static final class Slot {
        private final AtomicInteger uses = new AtomicInteger();
        private volatile JWSVerifier fast;
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

        /** A verification of nothing: what BouncyCastle loads and precomputes for the key, done before a request needs it. */
        void warm() {
            ECDSASigner ecdsa = new ECDSASigner();
            ecdsa.init(false, key);
            ecdsa.verifySignature(new byte[32], BigInteger.ONE, BigInteger.ONE);
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
