package dev.drover.contract.signing;

/**
 * Prints a fresh platform signing key on standard output: a JWK set with one private EC P-256 key and a key id,
 * the value {@value SigningKeys#ENV} takes (knative/README.md, "Security"). Nothing else is printed, so the output
 * can go straight into a Secret:
 *
 * <pre>
 * ./mvnw -q -pl functions/core compile exec:java -Dexec.mainClass=dev.drover.contract.signing.NewSigningKey &gt; signing-key.json
 * </pre>
 */
public final class NewSigningKey {
    private NewSigningKey() {
    }

    public static void main(String[] args) {
        System.out.println(SigningKeys.generate().secretJson());
    }
}
