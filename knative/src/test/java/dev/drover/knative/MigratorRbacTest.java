package dev.drover.knative;

import dev.drover.migrators.pgrotation.KubernetesSecrets;
import dev.drover.migrators.pgrotation.PgRotationMigration;
import dev.drover.migrators.pgrotation.PgRotationSettings;
import dev.drover.migrators.pgrotation.Target;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kubernetes RBAC the manifests grant: only migrators hold any, each Role bound to its own migrator's
 * ServiceAccount in the Role's namespace, nothing cluster-wide, no wildcard; and what pg-credential-rotation is granted
 * is exactly what its code does to a Secret (the requests fabric8 really sends, on its mock API server), in the
 * namespace its settings publish to.
 */
@EnableKubernetesMockClient(crud = true)
class MigratorRbacTest {
    static KubernetesClient client;
    static KubernetesMockServer server;

    /** The verbs of the Kubernetes authorizer for the HTTP methods of requests on one named object. */
    private static final Map<String, String> VERBS = Map.of("GET", "get", "POST", "create", "PATCH", "patch", "PUT", "update",
                                                            "DELETE", "delete");
    /** Verbs that grant more than their resource: writing RBAC past one's own, acting as another identity. */
    private static final Set<String> ESCALATING = Set.of("*", "escalate", "bind", "impersonate");

    static List<Manifests> rendered() {
        return Manifests.all();
    }

    @ParameterizedTest
    @MethodSource("rendered")
    void onlyMigratorsHoldRbacAndEachRoleIsBoundToItsOwnMigratorInItsNamespace(Manifests manifests) {
        assertEquals(List.of(), manifests.of(ClusterRole.class).stream().map(r -> r.getMetadata().getName()).toList(),
                     manifests + ": nothing of Drover needs a ClusterRole");
        assertEquals(List.of(), manifests.of(ClusterRoleBinding.class).stream().map(r -> r.getMetadata().getName()).toList(),
                     manifests + ": nothing of Drover needs rights in every namespace");
        Set<String> migrators = Set.copyOf(Manifests.migrators());
        Set<String> roles = new TreeSet<>();
        for (Role role : manifests.of(Role.class)) {
            roles.add(role.getMetadata().getName());
            assertTrue(migrators.contains(role.getMetadata().getLabels().get("app.kubernetes.io/name")),
                       manifests + ": Role " + role.getMetadata().getName() + " belongs to a migrator (label app.kubernetes.io/name)");
            for (PolicyRule rule : role.getRules()) {
                String what = manifests + ": Role " + role.getMetadata().getName() + " rule " + rule;
                assertTrue(rule.getNonResourceURLs() == null || rule.getNonResourceURLs().isEmpty(), what + ": no non-resource URLs");
                assertTrue(!rule.getApiGroups().contains("*") && !rule.getResources().contains("*"), what + ": no wildcard");
                assertTrue(rule.getVerbs().stream().noneMatch(ESCALATING::contains), what + ": no wildcard or escalating verb");
            }
        }
        Set<String> bound = new TreeSet<>();
        for (RoleBinding binding : manifests.of(RoleBinding.class)) {
            String what = manifests + ": RoleBinding " + binding.getMetadata().getName();
            assertEquals("Role", binding.getRoleRef().getKind(), what + " binds a Role of its namespace, never a ClusterRole");
            assertTrue(roles.contains(binding.getRoleRef().getName()), what + " binds Role " + binding.getRoleRef().getName()
                    + ", which the render does not create");
            bound.add(binding.getRoleRef().getName());
            for (Subject subject : binding.getSubjects()) {
                assertEquals("ServiceAccount", subject.getKind(), what + ": only ServiceAccounts");
                assertTrue(migrators.contains(subject.getName()), what + ": ServiceAccount " + subject.getName() + " is no migrator's");
                Role role = manifests.of(Role.class).stream().filter(r -> r.getMetadata().getName().equals(binding.getRoleRef().getName()))
                        .findFirst().orElseThrow();
                assertEquals(subject.getName(), role.getMetadata().getLabels().get("app.kubernetes.io/name"),
                             what + ": a migrator's Role is bound to that migrator only");
                // The base names none; kustomize then gives the subject its ServiceAccount's namespace, the overlay's. One
                // written in the base would stay as written in every overlay, and bind another namespace's account.
                assertEquals(binding.getMetadata().getNamespace(), subject.getNamespace(),
                             what + ": ServiceAccount " + subject.getName() + " is the one in the binding's namespace");
            }
        }
        assertEquals(roles, bound, manifests + ": every Role is bound");
    }

    /**
     * pg-credential-rotation's Role grants, on Secrets, exactly the verbs of the requests KubernetesSecrets makes: a
     * first publication (the Secret is missing), a second (it exists), and reading which role a Secret names.
     */
    @ParameterizedTest
    @MethodSource("rendered")
    void pgCredentialRotationMayDoToSecretsExactlyWhatPublishingDoes(Manifests manifests) throws Exception {
        Set<String> used = secretVerbsOfPublishing();
        assertEquals(Set.of("get", "create", "patch"), used, "what KubernetesSecrets does (if this changed, so must the Role)");

        Set<String> granted = new TreeSet<>();
        for (Role role : rolesBoundTo(manifests, PgRotationMigration.MIGRATOR_APP)) {
            for (PolicyRule rule : role.getRules()) {
                assertEquals(List.of(""), rule.getApiGroups(), manifests + ": Role " + role.getMetadata().getName() + ": the core group only");
                assertEquals(List.of("secrets"), rule.getResources(), manifests + ": Role " + role.getMetadata().getName() + ": Secrets only");
                granted.addAll(rule.getVerbs());
            }
        }
        assertEquals(new TreeSet<>(used), granted, manifests + ": the verbs pg-credential-rotation's Roles grant on Secrets");
    }

    /** The migrator starts with its environment as its main reads it, publishes to Kubernetes, where its Role is. */
    @ParameterizedTest
    @MethodSource("rendered")
    void pgCredentialRotationPublishesToKubernetesSecretsWhereItsRoleIs(Manifests manifests) {
        Workload migrator = TrustBoundaryTest.workload(manifests, PgRotationMigration.MIGRATOR_APP);
        Map<String, String> env = TrustBoundaryTest.environment(manifests, migrator);
        PgRotationSettings settings;
        try {
            settings = PgRotationSettings.fromEnvironment(env);
        } catch (IllegalArgumentException e) {
            throw new AssertionError(manifests + ": " + migrator + " would refuse to start: " + e.getMessage(), e);
        }
        assertEquals(PgRotationSettings.KUBERNETES, settings.publish(), manifests + ": in a cluster the credentials go to Secrets");
        for (String variable : List.of("PG_ROTATION_URL", "PG_ROTATION_USER", "PG_ROTATION_PASSWORD")) {
            assertTrue(migrator.secretOf(variable).isPresent(), manifests + ": " + migrator + ": " + variable
                    + " comes from a Secret (the admin connection is a credential; the URL names the cluster)");
        }
        assertEquals(TrustBoundaryTest.secretValue(TrustBoundaryTest.PG_ADMIN_SECRET, "url"), settings.database().url());

        // A row without a namespace publishes to fabric8's namespace: KUBERNETES_NAMESPACE, where the Role must be.
        String namespace = TrustBoundaryTest.namespace(manifests);
        assertEquals(namespace, env.get("KUBERNETES_NAMESPACE"),
                     manifests + ": Secrets of rows without a namespace land in Drover's namespace, where the Role grants them");
        for (Role role : rolesBoundTo(manifests, PgRotationMigration.MIGRATOR_APP)) {
            assertEquals(Optional.ofNullable(manifests.config().getMetadata().getNamespace()), Optional.ofNullable(role.getMetadata().getNamespace()),
                         manifests + ": Role " + role.getMetadata().getName() + " is in the migrator's namespace");
        }
        assertNotEquals(Optional.of(false), migrator.automountToken(),
                        manifests + ": " + migrator + " calls the Kubernetes API with its ServiceAccount's mounted token");
    }

    @Test
    void aRoleBoundToAnotherAccountOrWithAWildcardIsRefused() {
        Manifests base = Manifests.base();
        RoleBinding binding = base.of(RoleBinding.class).getFirst();
        binding.getSubjects().getFirst().setName("hello-migrator");
        assertTrue(fails(() -> onlyMigratorsHoldRbacAndEachRoleIsBoundToItsOwnMigratorInItsNamespace(base)),
                   "a migrator's Role bound to another migrator's ServiceAccount");

        Manifests again = Manifests.base();
        again.of(RoleBinding.class).getFirst().getSubjects().getFirst().setNamespace("drover");
        assertTrue(fails(() -> onlyMigratorsHoldRbacAndEachRoleIsBoundToItsOwnMigratorInItsNamespace(again)),
                   "a subject with a namespace written in the base");

        Manifests wide = Manifests.base();
        wide.of(Role.class).getFirst().getRules().getFirst().setVerbs(List.of("*"));
        assertTrue(fails(() -> onlyMigratorsHoldRbacAndEachRoleIsBoundToItsOwnMigratorInItsNamespace(wide)), "verbs *");
        assertTrue(fails(() -> {
            try {
                pgCredentialRotationMayDoToSecretsExactlyWhatPublishingDoes(wide);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }), "more verbs than publishing uses");
    }

    private static boolean fails(Runnable check) {
        try {
            check.run();
            return false;
        } catch (AssertionError expected) {
            return true;
        }
    }

    static List<Role> rolesBoundTo(Manifests manifests, String serviceAccount) {
        Set<String> names = new TreeSet<>();
        for (RoleBinding binding : manifests.of(RoleBinding.class)) {
            if (binding.getSubjects().stream().anyMatch(s -> s.getKind().equals("ServiceAccount") && s.getName().equals(serviceAccount))) {
                names.add(binding.getRoleRef().getName());
            }
        }
        List<Role> roles = manifests.of(Role.class).stream().filter(r -> names.contains(r.getMetadata().getName())).toList();
        assertTrue(!roles.isEmpty(), manifests + ": no Role bound to " + serviceAccount);
        return roles;
    }

    private static Set<String> publishingVerbs;

    /** The authorizer's verbs of every request KubernetesSecrets makes for a first and a second publication (once). */
    private static synchronized Set<String> secretVerbsOfPublishing() throws InterruptedException {
        if (publishingVerbs != null) {
            return publishingVerbs;
        }
        drain();
        KubernetesSecrets secrets = new KubernetesSecrets(client);
        Target target = new Target("billing", "billing", null, "payments", "", "payments", "billing-db");
        secrets.publishedRole(target);
        secrets.publish(target, "billing_1", "first".toCharArray());
        secrets.publishedRole(target);
        secrets.publish(target, "billing_2", "second".toCharArray());
        Set<String> verbs = new TreeSet<>();
        for (RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS); request != null; request = server.takeRequest(1, TimeUnit.SECONDS)) {
            assertTrue(request.getPath().contains("/secrets"), "a request on something other than Secrets: " + request.getPath());
            String verb = VERBS.get(request.getMethod());
            assertTrue(verb != null, "a request the test cannot name a verb for: " + request.getMethod() + " " + request.getPath());
            verbs.add(verb);
        }
        publishingVerbs = Set.copyOf(verbs);
        return publishingVerbs;
    }

    private static void drain() throws InterruptedException {
        while (server.takeRequest(200, TimeUnit.MILLISECONDS) != null) {
            // requests of an earlier check
        }
    }
}
