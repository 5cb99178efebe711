package dev.drover.knative;

import dev.drover.core.function.DaprSubscriptions;
import dev.drover.core.function.FunctionKind;
import dev.drover.core.function.FunctionSpec;
import dev.drover.functions.Catalog;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The manifests and the function list in code ({@code Catalog}) agree: one Knative Service per function,
 * each running the function it is named after, subscriptions always on and subscribed where Dapr
 * allows them.
 */
class CatalogManifestTest {
    static List<Manifests> rendered() {
        return Manifests.all();
    }

    /** The Knative Services that run an image of functions (every function's, the reads', the writes', the history's, the runs' or the console's), i.e. serve a function. */
    private static List<Service> functionServices(Manifests manifests) {
        return manifests.knativeServices().stream()
                .filter(s -> container(s).getImage().matches("(.*/)?drover-(functions|reads|writes|history-reads|runs|console)(:.*|@.*)?"))
                .toList();
    }

    @ParameterizedTest
    @MethodSource("rendered")
    void everyServiceRunsTheImageItsFunctionIsBuiltIn(Manifests manifests) {
        // The read functions' image holds the read functions alone (ReadCatalog): another function named there would
        // stop at start; a read function left on the image of every function would start as slowly as before (issue 16).
        for (Service service : functionServices(manifests)) {
            String name = service.getMetadata().getName();
            assertEquals(Catalog.image(name), JitByKindTest.imageName(container(service).getImage()),
                         manifests + ": Service " + name + "'s image");
        }
    }

    @ParameterizedTest
    @MethodSource("rendered")
    void everyServiceStartsWithTheAotCacheOfItsKindOfFunction(Manifests manifests) {
        // A JDK 25 cache loads every class it holds at start: the step relay started with the run functions' cache
        // (the image's default) would load Temporal's client too, and its start and memory would grow (ADR 0017).
        for (Service service : functionServices(manifests)) {
            String name = service.getMetadata().getName();
            List<String> caches = java.util.Arrays.stream(env(container(service), "_JAVA_OPTIONS").orElse("").split("\\s+"))
                    .filter(option -> option.startsWith("-XX:AOTCache=")).toList();
            String cache = Catalog.aotCache(name);
            assertEquals(cache.equals("drover.aot") ? List.of() : List.of("-XX:AOTCache=/app/" + cache), caches,
                         manifests + ": Service " + name + " starts with " + cache + " (the image's default: drover.aot)");
        }
    }

    @ParameterizedTest
    @MethodSource("rendered")
    void everyFunctionHasExactlyOneServiceAndEveryServiceAFunction(Manifests manifests) {
        Set<String> inCode = Functions.specs().stream().map(FunctionSpec::name).collect(Collectors.toCollection(TreeSet::new));
        List<String> deployed = functionServices(manifests).stream().map(s -> s.getMetadata().getName()).toList();

        List<String> problems = new ArrayList<>();
        for (String name : inCode) {
            long count = deployed.stream().filter(name::equals).count();
            if (count == 0) {
                problems.add("function '" + name + "' (Catalog) has no Knative Service: add knative/base/functions/"
                                     + name + ".yaml (copy one of the same kind) and list it in knative/base/functions/kustomization.yaml");
            } else if (count > 1) {
                problems.add("function '" + name + "' has " + count + " Knative Services");
            }
        }
        deployed.stream().filter(name -> !inCode.contains(name)).distinct().forEach(name -> problems.add(
                "Knative Service '" + name + "' runs an image of functions but Catalog has no function of that name"));
        assertEquals(List.of(), problems, manifests.toString());
    }

    @ParameterizedTest
    @MethodSource("rendered")
    void everyFunctionValueNamesTheFunctionOfItsService(Manifests manifests) {
        for (Service service : functionServices(manifests)) {
            String name = service.getMetadata().getName();
            Optional<String> function = env(container(service), "FUNCTION");
            assertEquals(Optional.of(name), function, manifests + ": Service " + name + " must set FUNCTION=" + name);
            // the same selection Main makes: it throws for a name that is no function
            assertEquals(name, Catalog.select(Functions.all(), function).getFirst().spec().name());
        }
    }

    @ParameterizedTest
    @MethodSource("rendered")
    void subscriptionsStayUpWithADaprSidecarAndRestFunctionsMayScaleToZero(Manifests manifests) {
        for (FunctionSpec spec : Functions.specs()) {
            Optional<Service> found = manifests.knativeService(spec.name());
            if (found.isEmpty()) {
                continue; // reported by everyFunctionHasExactlyOneServiceAndEveryServiceAFunction
            }
            Map<String, String> annotations = found.get().getSpec().getTemplate().getMetadata().getAnnotations();
            int minScale = Workload.of(found.get()).minScale();
            if (spec.kind() == FunctionKind.SUBSCRIPTION) {
                assertTrue(minScale >= 1, manifests + ": subscription " + spec.name()
                        + " must have min-scale >= 1 (a Dapr sidecar pulls; nothing wakes a pod scaled to zero)");
                assertEquals("true", annotations.get("dapr.io/enabled"), manifests + ": " + spec.name() + " needs its Dapr sidecar");
                assertEquals(spec.name(), annotations.get("dapr.io/app-id"), manifests + ": " + spec.name() + " app-id");
                assertEquals(String.valueOf(containerPort(found.get())), annotations.get("dapr.io/app-port"),
                             manifests + ": " + spec.name() + ": Dapr delivers to the container's port");
            } else if (manifests.name().equals("base")) {
                // an overlay may keep a read up (prod: the two the console polls most, ADR 0018); none needs to be
                assertEquals(0, minScale, manifests + ": REST function " + spec.name() + " should scale to zero");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("rendered")
    void everyDaprSubscriptionIsServedByItsFunctionAndAllowedByThePubsubComponent(Manifests manifests) {
        String pubsub = manifests.config().getData().get("DROVER_PUBSUB");
        GenericKubernetesResource component = manifests.daprComponents().stream()
                .filter(c -> c.getMetadata().getName().equals(pubsub))
                .findFirst().orElseThrow(() -> new AssertionError(manifests + ": no Dapr component named DROVER_PUBSUB=" + pubsub));
        Map<String, String> metadata = DaprComponent.metadataValues(component);
        Map<String, Set<String>> subscriptionScopes = DaprComponent.scopes(metadata.get("subscriptionScopes"));
        Set<String> allowedTopics = Set.of(metadata.get("allowedTopics").split(","));

        for (Service service : functionServices(manifests)) {
            String function = service.getMetadata().getName();
            Map<String, String> annotations = service.getSpec().getTemplate().getMetadata().getAnnotations();
            // What the process started with FUNCTION=<name> answers at GET /dapr/subscribe.
            List<DaprSubscriptions.Subscription> declared = new DaprSubscriptions(
                    pubsub, Catalog.select(Functions.all(), Optional.of(function))).subscriptions();
            String appId = annotations.get("dapr.io/app-id");
            for (DaprSubscriptions.Subscription subscription : declared) {
                FunctionSpec spec = Functions.specs().stream().filter(s -> s.name().equals(function)).findFirst().orElseThrow();
                assertEquals(spec.path(), subscription.route(), function + ": the route Dapr delivers to is the function's own");
                assertTrue(allowedTopics.contains(subscription.topic()),
                           manifests + ": topic " + subscription.topic() + " of " + function + " is not in the component's allowedTopics");
                assertTrue(subscriptionScopes.getOrDefault(appId, Set.of()).contains(subscription.topic()),
                           manifests + ": app " + appId + " may not subscribe to " + subscription.topic()
                                   + " (subscriptionScopes of component " + pubsub + ")");
                assertTrue(component.getAdditionalProperties().get("scopes") instanceof List<?> scopes && scopes.contains(appId),
                           manifests + ": app " + appId + " is not in the scopes of component " + pubsub);
            }
            if (declared.isEmpty() && appId != null) {
                assertEquals(Set.of(), subscriptionScopes.getOrDefault(appId, Set.of()),
                             manifests + ": " + appId + " subscribes to nothing; its subscriptionScopes should be empty");
            }
        }
        // Every app the scopes name exists as a Dapr-enabled workload.
        Set<String> daprApps = DaprComponent.daprAppIds(manifests);
        for (String app : subscriptionScopes.keySet()) {
            assertTrue(daprApps.contains(app), manifests + ": subscriptionScopes name app " + app + ", which no workload runs");
        }
    }

    static Container container(Service service) {
        List<Container> containers = service.getSpec().getTemplate().getSpec().getContainers();
        assertEquals(1, containers.size(), service.getMetadata().getName() + ": one container");
        return containers.getFirst();
    }

    static int containerPort(Service service) {
        return container(service).getPorts().getFirst().getContainerPort();
    }

    static Optional<String> env(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst();
    }
}
