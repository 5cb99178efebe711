package dev.drover.migrators.pgrotation;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A Kubernetes Secret per service (fabric8's client): keys {@code username} and {@code password}, other keys kept.
 * The kubelet updates the mounted files of every pod that mounts it, atomically (a service that reads them again
 * on change adopts the credential without a restart); a service that reads them as environment variables needs a
 * rollout, which is its own business: adoption waits for it. Only in the namespace the target's row names: a row
 * without one is refused, never written to the client's own namespace.
 */
public final class KubernetesSecrets implements SecretDestination {
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    /** Which login role the Secret holds: readable without decoding the data, and never the password. */
    public static final String ROLE_ANNOTATION = "drover.dev/credential-role";

    private final KubernetesClient client;

    public KubernetesSecrets(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Optional<String> publishedRole(Target target) {
        Secret secret = client.secrets().inNamespace(namespace(target)).withName(target.secretName()).get();
        if (secret == null || secret.getData() == null || secret.getData().get(USERNAME) == null) {
            return Optional.empty();
        }
        return Optional.of(new String(Base64.getDecoder().decode(secret.getData().get(USERNAME)), StandardCharsets.UTF_8).strip())
                .filter(s -> !s.isEmpty());
    }

    @Override
    public void publish(Target target, String role, char[] password) {
        var resource = client.secrets().inNamespace(namespace(target)).withName(target.secretName());
        Secret existing = resource.get();
        if (existing == null) {
            resource.create(secret(target, namespace(target), null, role, password));
        } else {
            resource.edit(current -> secret(target, namespace(target), current, role, password));
        }
    }

    @Override
    public String describe(Target target) {
        return target.namespace().isEmpty() ? "Secret " + target.secretName() + " (its row names no namespace)"
                : "Secret " + target.namespace() + "/" + target.secretName();
    }

    /**
     * The row's namespace, which it must name: never the client's own. In a cluster that is the migrator's namespace,
     * Drover's, whose Secrets are Drover's (knative/README.md, "pg-credential-rotation"); a service's Secret is in the
     * service's namespace, where the pods that mount it run.
     */
    private static String namespace(Target target) {
        if (target.namespace().isEmpty()) {
            throw new Credentials.Refused("service " + target.service() + " names no namespace for its Secret " + target.secretName()
                    + ": fill the namespace column of its row in the marking table with the namespace of the service (where its "
                    + "pods mount the Secret), then retry this step; publishing to Kubernetes writes only in the namespace a row names");
        }
        return target.namespace();
    }

    /**
     * The Secret as it must be after publishing: {@code current}'s other keys, labels and annotations kept (a Secret may
     * also hold the host and database), username and password replaced, the role annotated.
     */
    static Secret secret(Target target, String namespace, Secret current, String role, char[] password) {
        SecretBuilder builder = current == null
                ? new SecretBuilder().withNewMetadata().withName(target.secretName()).withNamespace(namespace).endMetadata().withType("Opaque")
                : new SecretBuilder(current);
        Map<String, String> data = new HashMap<>(current == null || current.getData() == null ? Map.of() : current.getData());
        data.put(USERNAME, Base64.getEncoder().encodeToString(role.getBytes(StandardCharsets.UTF_8)));
        data.put(PASSWORD, base64(password));
        Map<String, String> stringData = current == null || current.getStringData() == null ? new HashMap<>() : new HashMap<>(current.getStringData());
        stringData.remove(USERNAME); // stringData would win over data on the server
        stringData.remove(PASSWORD);
        return builder.editMetadata().addToLabels(MANAGED_BY, "drover").addToAnnotations(ROLE_ANNOTATION, role).endMetadata()
                .withData(data).withStringData(stringData.isEmpty() ? null : stringData).build();
    }

    private static String base64(char[] value) {
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(value));
        byte[] array = new byte[bytes.remaining()];
        bytes.get(array);
        try {
            return Base64.getEncoder().encodeToString(array);
        } finally {
            Arrays.fill(array, (byte) 0);
        }
    }
}
