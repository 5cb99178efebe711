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

    /** One try's answer, kept until it is passed on. */
    static final class Answer<T> implements StreamObserver<T> {
        T value;
        Throwable error;

        @Override
        public void onNext(T value) {
            this.value = value;
        }

        @Override
        public void onError(Throwable error) {
            this.error = error;
        }

        @Override
        public void onCompleted() {
        }

        boolean notFound() {
            return error instanceof StatusRuntimeException e && e.getStatus().getCode() == Status.Code.NOT_FOUND;
        }

        void passTo(StreamObserver<T> answer) {
            if (error != null) {
                answer.onError(error);
                return;
            }
            answer.onNext(value);
            answer.onCompleted();
        }
    }
}
