package dev.drover.migrators.pgrotation;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Secret the migrator writes in a cluster, against fabric8's mock API server (CRUD mode: it stores what it is
 * sent, as an API server would; no cluster can run here).
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesSecretsTest {
    KubernetesClient client;

    private final Target target = new Target("billing", "billing", null, "payments", "", "payments", "billing-db");

    @Test
    void publishingCreatesTheSecretWithTheRoleAnnotatedAndTheDataEncoded() {
        KubernetesSecrets secrets = new KubernetesSecrets(client);
        assertTrue(secrets.publishedRole(target).isEmpty());

        secrets.publish(target, "billing_1", "s3cret".toCharArray());

        Secret secret = client.secrets().inNamespace("payments").withName("billing-db").get();
        assertEquals("Opaque", secret.getType());
        assertEquals("drover", secret.getMetadata().getLabels().get(KubernetesSecrets.MANAGED_BY));
        assertEquals("billing_1", secret.getMetadata().getAnnotations().get(KubernetesSecrets.ROLE_ANNOTATION));
        assertEquals("billing_1", decode(secret.getData().get("username")));
        assertEquals("s3cret", decode(secret.getData().get("password")));
        assertFalse(secret.getMetadata().getAnnotations().toString().contains("s3cret"), "the password is in data only");
        assertEquals("billing_1", secrets.publishedRole(target).orElseThrow());
        assertEquals("Secret payments/billing-db", secrets.describe(target));
    }

    @Test
    void publishingAgainReplacesTheCredentialAndKeepsEverythingElse() {
        client.secrets().inNamespace("payments").resource(new SecretBuilder().withNewMetadata().withName("billing-db")
                .withNamespace("payments").addToLabels("app", "billing").endMetadata()
                .withData(Map.of("host", encode("db.internal"), "username", encode("billing_app"))).build()).create();
        KubernetesSecrets secrets = new KubernetesSecrets(client);

        secrets.publish(target, "billing_2", "second".toCharArray());

        Secret secret = client.secrets().inNamespace("payments").withName("billing-db").get();
        assertEquals("db.internal", decode(secret.getData().get("host")));
        assertEquals("billing_2", decode(secret.getData().get("username")));
        assertEquals("second", decode(secret.getData().get("password")));
        assertEquals("billing", secret.getMetadata().getLabels().get("app"));
        assertEquals("billing_2", secret.getMetadata().getAnnotations().get(KubernetesSecrets.ROLE_ANNOTATION));
    }

    /**
     * A row without a namespace is refused, not written to the client's own namespace (in a cluster, Drover's, whose
     * Secrets are Drover's): the mock client has one ("test"), and nothing lands there or anywhere.
     */
    @Test
    void aRowWithoutANamespaceIsRefusedAndNothingIsWritten() {
        assertFalse(client.getNamespace() == null || client.getNamespace().isBlank(), "the client has a namespace of its own");
        Target unplaced = new Target("billing", "billing", null, "payments", "", "", "billing-db");
        KubernetesSecrets secrets = new KubernetesSecrets(client);

        Credentials.Refused refused = assertThrows(Credentials.Refused.class, () -> secrets.publish(unplaced, "billing_1", "x".toCharArray()));
        assertTrue(refused.getMessage().contains("service billing names no namespace")
                           && refused.getMessage().contains("fill the namespace column of its row"), refused.getMessage());
        assertThrows(Credentials.Refused.class, () -> secrets.publishedRole(unplaced));
        assertEquals(List.of(), client.secrets().inAnyNamespace().list().getItems(), "no Secret written anywhere");
        assertEquals("Secret billing-db (its row names no namespace)", secrets.describe(unplaced));
    }

    @Test
    void theBuiltSecretDropsStringDataThatWouldOverrideTheCredential() {
        Secret current = new SecretBuilder().withNewMetadata().withName("billing-db").endMetadata()
                .withStringData(Map.of("username", "stale", "port", "5432")).build();
        Secret built = KubernetesSecrets.secret(target, "payments", current, "billing_3", "p".toCharArray());
        assertEquals(Map.of("port", "5432"), built.getStringData());
        assertEquals("billing_3", decode(built.getData().get("username")));
        assertNull(KubernetesSecrets.secret(target, "payments", null, "billing_3", "p".toCharArray()).getStringData());
    }

    private static String decode(String value) {
        return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
    }

    private static String encode(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }
}
