package io.temporal.internal.testservice;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.temporal.api.common.v1.WorkflowExecution;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A unary call of the in-process workflow service addressed by workflow id, made again while it is answered "not found"
 * and the workflow is still open: between the close of a run that continues as new and the registration of the next
 * ({@link WallClockServices}). The service answers these calls on the calling thread, so each try's answer is kept and
 * only the last one is passed on.
 */
final class ByWorkflowId {
    /** A continuation takes milliseconds: this many tries, this far apart, before the "not found" is passed on. */
    static final int ATTEMPTS = 20;
    static final Duration PAUSE = Duration.ofMillis(5);

    private ByWorkflowId() {
    }

    static <T> void call(WorkflowExecution execution, Consumer<StreamObserver<T>> call, BooleanSupplier stillOpen,
                         StreamObserver<T> answer) {
        for (int attempt = 1; ; attempt++) {
            Answer<T> tried = new Answer<>();
            call.accept(tried);
            boolean again = tried.notFound() && execution.getRunId().isEmpty() && attempt < ATTEMPTS && stillOpen.getAsBoolean();
            if (!again) {
                tried.passTo(answer);
                return;
            }
            try {
                Thread.sleep(PAUSE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                tried.passTo(answer);
                return;
            }
        }
    }

    /**
     * One try's answer, kept until it is passed on. The in-process service answers on the calling thread (temporal-test-
     * server 1.38.0); should a later one answer after the call returned, that try is not "not found" (not tried again)
     * and its answer is passed on when it comes, rather than an empty one at once.
     */
    static final class Answer<T> implements StreamObserver<T> {
        volatile T value;
        volatile Throwable error;
        private boolean done;
        private StreamObserver<T> passOn;

        @Override
        public synchronized void onNext(T value) {
            this.value = value;
        }

        @Override
        public synchronized void onError(Throwable error) {
            this.error = error;
            done = true;
            deliver();
        }

        @Override
        public synchronized void onCompleted() {
            done = true;
            deliver();
        }

        synchronized boolean notFound() {
            return done && error instanceof StatusRuntimeException e && e.getStatus().getCode() == Status.Code.NOT_FOUND;
        }

        synchronized void passTo(StreamObserver<T> answer) {
            passOn = answer;
            deliver();
        }

        private void deliver() {
            if (!done || passOn == null) {
                return;
            }
            StreamObserver<T> answer = passOn;
            passOn = null;
            if (error != null) {
                answer.onError(error);
                return;
            }
            answer.onNext(value);
            answer.onCompleted();
        }
    }
}
