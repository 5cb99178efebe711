package dev.drover.core.function;

import dev.drover.core.auth.Access;
import io.helidon.http.Method;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FunctionSpecTest {
    @Test
    void aRestFunctionServesItsOneMethodOnItsPath() {
        FunctionSpec spec = FunctionSpec.rest("candidates-list", Method.GET, "/migrations/{id}/candidates", Access.VIEW);
        assertEquals(List.of(Method.GET), spec.methods());
        assertEquals("/migrations/{id}/candidates", spec.prefix());
        assertEquals(Optional.empty(), spec.topic());
    }

    @Test
    void pagesServeGetAndPostUnderTheirPrefix() {
        FunctionSpec spec = FunctionSpec.pages("console", "/console", Access.VIEW);
        assertEquals(FunctionKind.PAGES, spec.kind());
        assertEquals("/console/*", spec.path());
        assertEquals("/console", spec.prefix());
        assertEquals(List.of(Method.GET, Method.POST), spec.methods());
    }

    @Test
    void aSubscriptionIsAPostFromTheSidecarOnItsTopic() {
        FunctionSpec spec = FunctionSpec.subscription("step-events", "step-completed", "/events/step-completed");
        assertEquals(List.of(Method.POST), spec.methods());
        assertEquals(Optional.of("step-completed"), spec.topic());
        assertEquals(Access.SIDECAR, spec.access());
    }

    @Test
    void specsThatCannotBeServedAreRefusedAtDeclaration() {
        String topicOnRest = assertThrows(IllegalArgumentException.class, () -> new FunctionSpec(
                "x", FunctionKind.REST, Method.GET, "/x", Optional.of("t"), Access.VIEW)).getMessage();
        assertTrue(topicOnRest.contains("only a subscription, names a topic"), topicOnRest);
        assertThrows(IllegalArgumentException.class, () -> new FunctionSpec(
                "x", FunctionKind.SUBSCRIPTION, Method.POST, "/x", Optional.empty(), Access.SIDECAR));
        String notSidecar = assertThrows(IllegalArgumentException.class, () -> new FunctionSpec(
                "x", FunctionKind.SUBSCRIPTION, Method.POST, "/x", Optional.of("t"), Access.VIEW)).getMessage();
        assertTrue(notSidecar.contains("only the Dapr sidecar"), notSidecar);
        for (String prefix : List.of("/Console", "/console/{id}", "console", "")) {
            assertThrows(IllegalArgumentException.class, () -> FunctionSpec.pages("console", prefix, Access.VIEW), prefix);
        }
        assertEquals("/a/b-2/*", FunctionSpec.pages("console", "/a/b-2", Access.VIEW).path());
        assertThrows(NullPointerException.class, () -> FunctionSpec.rest("x", Method.GET, "/x", null));
        assertThrows(IllegalArgumentException.class, () -> FunctionSpec.rest("Not A Slug", Method.GET, "/x", Access.VIEW));
    }
}
