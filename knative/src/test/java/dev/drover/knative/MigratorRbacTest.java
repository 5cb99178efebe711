package dev.drover.knative;

import dev.drover.migrators.pgrotation.KubernetesSecrets;
import dev.drover.migrators.pgrotation.PgRotationMigration;
import dev.drover.migrators.pgrotation.PgRotationSettings;
import dev.drover.migrators.pgrotation.Target;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kubernetes RBAC the manifests grant. Drover's namespace (the base, each overlay) grants nobody anything on Secrets:
 * its own Secrets (drover-signing, drover-redis) are Drover's. pg-credential-rotation's access to the services' Secrets
 * is a ClusterRole in knative/cluster, bound by nothing Drover ships: a platform team binds it per service namespace with
 * a RoleBinding (the command in knative/README.md), never with a ClusterRoleBinding, which would grant in every
 * namespace. What the ClusterRole grants is exactly what the migrator's code does to a Secret (the requests fabric8
 * really sends, on its mock API server).
 */
@EnableKubernetesMockClient(crud = true)
class MigratorRbacTest {
    static KubernetesClient client;
    static KubernetesMockServer server;

    static final String SECRETS_ROLE = "drover-pg-credential-rotation-secrets";
    /** The verbs of the Kubernetes authorizer for the HTTP methods of requests on one named object. */
    private static final Map<String, String> VERBS = Map.of("GET", "get", "POST", "create", "PATCH", "patch", "PUT", "update",
                                                            "DELETE", "delete");
    /** Verbs that grant more than their resource: writing RBAC past one's own, acting as another identity. */
    private static final Set<String> ESCALATING = Set.of("*", "escalate", "bind", "impersonate");

    static List<Manifests> rendered() {
        return Manifests.all();
    }

    /** knative/cluster: what the platform team applies once per cluster. */
    static Manifests cluster() {
        return Manifests.render(Manifests.ROOT.resolve("cluster"));
    }

    static List<Manifests> everything() {
        return Stream.concat(Manifests.all().stream(), Stream.of(cluster())).toList();
    }

    /**
     * In Drover's namespace nothing grants access to Secrets: no Role with a rule on them, no RoleBinding to a role that
     * has one (a Role of the render, or a ClusterRole), and no cluster-scoped RBAC at all (that is knative/cluster's).
     */
    @ParameterizedTest
    @MethodSource("rendered")
    void droversNamespaceGrantsNoAccessToSecrets(Manifests manifests) {
        assertEquals(List.of(), names(manifests.of(ClusterRole.class)),
                     manifests + ": a ClusterRole belongs in knative/cluster, applied once by the platform team");
        for (Role role : manifests.of(Role.class)) {
            assertEquals(List.of(), onSecrets(role.getRules()), manifests + ": Role " + role.getMetadata().getName()
                    + " grants on Secrets in Drover's namespace, whose Secrets are Drover's");
        }
        Map<String, List<PolicyRule>> clusterRoles = new java.util.HashMap<>();
        cluster().of(ClusterRole.class).forEach(r -> clusterRoles.put(r.getMetadata().getName(), r.getRules()));
        for (RoleBinding binding : manifests.of(RoleBinding.class)) {
            String what = manifests + ": RoleBinding " + binding.getMetadata().getName() + " (" + binding.getRoleRef().getKind()
                    + " " + binding.getRoleRef().getName() + ")";
            List<PolicyRule> granted = switch (binding.getRoleRef().getKind()) {
                case "Role" -> manifests.of(Role.class).stream().filter(r -> r.getMetadata().getName().equals(binding.getRoleRef().getName()))
                        .findFirst().map(Role::getRules).orElseThrow(() -> new AssertionError(what + ": no such Role in the render"));
                case "ClusterRole" -> Optional.ofNullable(clusterRoles.get(binding.getRoleRef().getName()))
                        .orElseThrow(() -> new AssertionError(what + ": a ClusterRole Drover does not define"));
                default -> throw new AssertionError(what + ": roleRef kind");
            };
            assertEquals(List.of(), onSecrets(granted), what + " grants on Secrets in Drover's namespace, whose Secrets are Drover's");
        }
    }

    /** A ClusterRoleBinding grants in every namespace, Drover's included: none anywhere. */
    @ParameterizedTest
    @MethodSource("everything")
    void nothingGrantsInEveryNamespace(Manifests manifests) {
        assertEquals(List.of(), names(manifests.of(ClusterRoleBinding.class)),
                     manifests + ": a ClusterRoleBinding grants in every namespace; bind per namespace with a RoleBinding");
    }

    /** Every ClusterRole of knative/cluster belongs to a migrator, with no wildcard, escalating verb or aggregation. */
    @Test
    void theClusterRolesAreAMigratorsWithoutWildcards() {
        Set<String> migrators = Set.copyOf(Manifests.migrators());
        List<ClusterRole> roles = cluster().of(ClusterRole.class);
        assertEquals(List.of(SECRETS_ROLE), names(roles), "knative/cluster's ClusterRoles");
        for (ClusterRole role : roles) {
            String name = "ClusterRole " + role.getMetadata().getName();
            assertTrue(migrators.contains(role.getMetadata().getLabels().get("app.kubernetes.io/name")),
                       name + " belongs to a migrator (label app.kubernetes.io/name)");
            assertNull(role.getAggregationRule(), name + ": no aggregation (it would grant what other ClusterRoles do)");
            for (PolicyRule rule : role.getRules()) {
                String what = name + " rule " + rule;
                assertTrue(rule.getNonResourceURLs() == null || rule.getNonResourceURLs().isEmpty(), what + ": no non-resource URLs");
                assertTrue(!rule.getApiGroups().contains("*") && !rule.getResources().contains("*"), what + ": no wildcard");
                assertTrue(rule.getVerbs().stream().noneMatch(ESCALATING::contains), what + ": no wildcard or escalating verb");
            }
        }
    }

    /**
     * The ClusterRole grants, on Secrets, exactly the verbs of the requests KubernetesSecrets makes: a first publication
     * (the Secret is missing), a second (it exists), and reading which role a Secret names. Nothing else.
     */
    @Test
    void pgCredentialRotationMayDoToSecretsExactlyWhatPublishingDoes() throws Exception {
        assertGrantsExactlyWhatPublishingDoes(cluster());
    }

    private static void assertGrantsExactlyWhatPublishingDoes(Manifests cluster) throws Exception {
        Set<String> used = secretVerbsOfPublishing();
        assertEquals(Set.of("get", "create", "patch"), used, "what KubernetesSecrets does (if this changed, so must the ClusterRole)");
        ClusterRole role = cluster.of(ClusterRole.class).stream().filter(r -> r.getMetadata().getName().equals(SECRETS_ROLE))
                .findFirst().orElseThrow(() -> new AssertionError("knative/cluster has no ClusterRole " + SECRETS_ROLE));
        Set<String> granted = new TreeSet<>();
        for (PolicyRule rule : role.getRules()) {
            assertEquals(List.of(""), rule.getApiGroups(), SECRETS_ROLE + ": the core group only");
            assertEquals(List.of("secrets"), rule.getResources(), SECRETS_ROLE + ": Secrets only");
            granted.addAll(rule.getVerbs());
        }
        assertEquals(new TreeSet<>(used), granted, "the verbs " + SECRETS_ROLE + " grants on Secrets");
    }

    /**
     * The grant knative/README.md tells the platform team to run, per service namespace: a RoleBinding (never a
     * ClusterRoleBinding) of the shipped ClusterRole to the migrator's ServiceAccount in Drover's namespace.
     */
    @Test
    void theReadmesGrantBindsTheClusterRoleToTheMigratorInOneNamespace() {
        RoleBinding grant = documentedGrant("payments");
        assertEquals("payments", grant.getMetadata().getNamespace(), "the RoleBinding is in the service's namespace: it grants there only");
        assertEquals("ClusterRole", grant.getRoleRef().getKind());
        assertEquals(SECRETS_ROLE, grant.getRoleRef().getName(), "the README binds the ClusterRole knative/cluster ships");
        ServiceAccount account = Manifests.base().of(ServiceAccount.class).stream()
                .filter(a -> a.getMetadata().getName().equals(PgRotationMigration.MIGRATOR_APP)).findFirst().orElseThrow();
        assertEquals(List.of(account.getMetadata().getName()), grant.getSubjects().stream().map(s -> s.getName()).toList(),
                     "to the migrator's ServiceAccount");
        for (Manifests overlay : Manifests.all()) {
            String namespace = overlay.config().getMetadata().getNamespace();
            if (namespace != null) {
                assertNotEquals(namespace, README_GRANT.namespace(), "the README's example grants in a service namespace, not in " + overlay + "'s");
            }
        }
        assertTrue(Manifests.all().stream().map(o -> o.config().getMetadata().getNamespace())
                           .anyMatch(grant.getSubjects().getFirst().getNamespace()::equals),
                   "the README's --serviceaccount names the ServiceAccount in an overlay's namespace: " + README_GRANT.account());
    }

    /** The migrator starts with its environment as its main reads it and publishes to Kubernetes with its own token. */
    @ParameterizedTest
    @MethodSource("rendered")
    void pgCredentialRotationPublishesToKubernetesSecrets(Manifests manifests) {
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
        assertNotEquals(Optional.of(false), migrator.automountToken(),
                        manifests + ": " + migrator + " calls the Kubernetes API with its ServiceAccount's mounted token");
    }

    /** The checks above catch what they are for: a binding in Drover's namespace, one for every namespace, more verbs. */
    @Test
    void aBindingInDroversNamespaceOrEverywhereOrAWiderRuleIsRefused() {
        Manifests base = Manifests.base();
        RoleBinding inBase = new RoleBindingBuilder().withNewMetadata().withName("pg-credential-rotation-secrets")
                .withNamespace("drover").endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", SECRETS_ROLE)
                .addNewSubject().withKind("ServiceAccount").withName(PgRotationMigration.MIGRATOR_APP).withNamespace("drover").endSubject()
                .build();
        assertTrue(fails(() -> droversNamespaceGrantsNoAccessToSecrets(with(base, inBase))),
                   "a RoleBinding of the ClusterRole in Drover's namespace");

        Role role = new io.fabric8.kubernetes.api.model.rbac.RoleBuilder().withNewMetadata().withName("reads-secrets").endMetadata()
                .addNewRule().withApiGroups("").withResources("secrets").withVerbs("get").endRule().build();
        assertTrue(fails(() -> droversNamespaceGrantsNoAccessToSecrets(with(base, role))), "a Role on Secrets in Drover's namespace");

        ClusterRoleBinding everywhere = new ClusterRoleBindingBuilder().withNewMetadata().withName("pg-credential-rotation-secrets").endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", SECRETS_ROLE)
                .addNewSubject().withKind("ServiceAccount").withName(PgRotationMigration.MIGRATOR_APP).withNamespace("drover").endSubject()
                .build();
        assertTrue(fails(() -> nothingGrantsInEveryNamespace(with(cluster(), everywhere))), "a ClusterRoleBinding in knative/cluster");
        assertTrue(fails(() -> nothingGrantsInEveryNamespace(with(base, everywhere))), "a ClusterRoleBinding in the base");

        Manifests wide = cluster();
        wide.of(ClusterRole.class).getFirst().getRules().getFirst().setVerbs(List.of("get", "create", "patch", "list"));
        assertTrue(fails(() -> {
            try {
                assertGrantsExactlyWhatPublishingDoes(wide);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }), "a verb publishing does not use (list)");
    }

    private static Manifests with(Manifests manifests, HasMetadata extra) {
        List<HasMetadata> typed = new ArrayList<>(manifests.typed());
        typed.add(extra);
        return new Manifests(manifests.name(), manifests.raw(), typed);
    }

    private static boolean fails(Runnable check) {
        try {
            check.run();
            return false;
        } catch (AssertionError expected) {
            return true;
        }
    }

    private static List<String> names(List<? extends HasMetadata> objects) {
        return objects.stream().map(o -> o.getMetadata().getName()).toList();
    }

    /** The rules that reach Secrets: the core group (or any) and secrets (or any resource). */
    private static List<PolicyRule> onSecrets(List<PolicyRule> rules) {
        return rules.stream().filter(r -> (r.getApiGroups().contains("") || r.getApiGroups().contains("*"))
                && (r.getResources().contains("secrets") || r.getResources().contains("*"))).toList();
    }

    /** The {@code kubectl create rolebinding} knative/README.md gives: its ClusterRole, ServiceAccount and namespace. */
    record Grant(String name, String clusterRole, String account, String namespace) {
    }

    static final Grant README_GRANT = readmeGrant();

    private static Grant readmeGrant() {
        String readme;
        try {
            readme = Files.readString(Manifests.ROOT.resolve("README.md")).replace("\\\n", " ");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Matcher command = Pattern.compile("kubectl create rolebinding (\\S+)([^\\n]*)").matcher(readme);
        assertTrue(command.find(), "knative/README.md gives the kubectl create rolebinding that grants the ClusterRole");
        String flags = command.group(2);
        return new Grant(command.group(1), flag(flags, "--clusterrole="), flag(flags, "--serviceaccount="), flag(flags, "-n "));
    }

    private static String flag(String flags, String flag) {
        Matcher value = Pattern.compile("(?:^|\\s)" + Pattern.quote(flag) + "(\\S+)").matcher(flags);
        assertTrue(value.find(), "the README's kubectl create rolebinding has " + flag.strip() + ": " + flags);
        return value.group(1);
    }

    /**
     * The RoleBinding the README's command creates in {@code namespace} (what {@code kubectl create rolebinding} builds:
     * roleRef from --clusterrole, a ServiceAccount subject from --serviceaccount=namespace:name).
     */
    static RoleBinding documentedGrant(String namespace) {
        String[] account = README_GRANT.account().split(":", 2);
        assertEquals(2, account.length, "--serviceaccount is <namespace>:<name>: " + README_GRANT.account());
        return new RoleBindingBuilder().withNewMetadata().withName(README_GRANT.name()).withNamespace(namespace).endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", README_GRANT.clusterRole())
                .addNewSubject().withKind("ServiceAccount").withName(account[1]).withNamespace(account[0]).endSubject()
                .build();
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
