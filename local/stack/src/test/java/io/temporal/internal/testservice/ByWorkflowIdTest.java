package io.temporal.internal.testservice;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A call by workflow id is made again only while it is "not found" and the workflow is still open. */
class ByWorkflowIdTest {
    private static final WorkflowExecution BY_ID = WorkflowExecution.newBuilder().setWorkflowId("rollout-1").build();

    /** Answers "not found" {@code misses} times, then "told". */
    private static ByWorkflowId.Answer<String> call(WorkflowExecution execution, int misses, boolean open, AtomicInteger tries) {
        ByWorkflowId.Answer<String> answer = new ByWorkflowId.Answer<>();
        ByWorkflowId.call(execution, observer -> {
            if (tries.incrementAndGet() <= misses) {
                observer.onError(Status.NOT_FOUND.withDescription("Completed workflow").asRuntimeException());
            } else {
                observer.onNext("told");
                observer.onCompleted();
            }
        }, () -> open, answer);
        return answer;
    }

    @Test
    void aCallBetweenTwoRunsOfAnOpenWorkflowReachesTheNextRun() {
        AtomicInteger tries = new AtomicInteger();
        ByWorkflowId.Answer<String> answer = call(BY_ID, 2, true, tries);
        assertEquals("told", answer.value);
        assertNull(answer.error);
        assertEquals(3, tries.get());
    }

    @Test
    void aWorkflowThatHasEndedIsNotFoundAtOnce() {
        AtomicInteger tries = new AtomicInteger();
        ByWorkflowId.Answer<String> answer = call(BY_ID, 2, false, tries);
        assertEquals(Status.Code.NOT_FOUND, ((StatusRuntimeException) answer.error).getStatus().getCode());
        assertEquals(1, tries.get());
    }

    @Test
    void aCallToOneRunIsNotFoundAtOnceAndAnOpenWorkflowNotFoundForEverGivesUp() {
        AtomicInteger oneRun = new AtomicInteger();
        call(BY_ID.toBuilder().setRunId("run-1").build(), 2, true, oneRun);
        assertEquals(1, oneRun.get(), "a run named by its id is that run: closed is closed");
        AtomicInteger forever = new AtomicInteger();
        ByWorkflowId.Answer<String> answer = call(BY_ID, Integer.MAX_VALUE, true, forever);
        assertEquals(ByWorkflowId.ATTEMPTS, forever.get());
        assertEquals(Status.Code.NOT_FOUND, ((StatusRuntimeException) answer.error).getStatus().getCode());
    }

    @Test
    void anAnswerThatComesAfterTheCallReturnedIsPassedOnWhenItComes() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        ByWorkflowId.Answer<String> answer = new ByWorkflowId.Answer<>();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        ByWorkflowId.call(BY_ID, observer -> {
            tries.incrementAndGet();
            Thread.ofPlatform().start(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    return;
                }
                observer.onNext("told later");
                observer.onCompleted();
            });
        }, () -> true, answer);
        assertNull(answer.value, "nothing passed on before the answer came");
        release.countDown();
        long until = System.nanoTime() + 5_000_000_000L;
        while (answer.value == null && System.nanoTime() < until) {
            sleep(5);
        }
        assertEquals("told later", answer.value);
        assertEquals(1, tries.get());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void anyOtherErrorIsPassedOnAtOnce() {
        AtomicInteger tries = new AtomicInteger();
        ByWorkflowId.Answer<String> answer = new ByWorkflowId.Answer<>();
        ByWorkflowId.call(BY_ID, observer -> {
            tries.incrementAndGet();
            observer.onError(Status.INVALID_ARGUMENT.asRuntimeException());
        }, () -> true, answer);
        assertEquals(Status.Code.INVALID_ARGUMENT, ((StatusRuntimeException) answer.error).getStatus().getCode());
        assertEquals(1, tries.get());
    }
}
