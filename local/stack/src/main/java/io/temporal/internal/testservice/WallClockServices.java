package io.temporal.internal.testservice;

import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.temporal.workflow.Functions;

import java.io.Closeable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Temporal's in-process server (temporal-test-server 1.38.0) running on the wall clock, as a real cluster does:
 * the workflow and operator services of {@link TestServicesStarter}, with a timer that never skips time instead of
 * its {@code SelfAdvancingTimerImpl}.
 * <p>
 * Why: Drover's embedded server always runs with time skipping locked, so the self-advancing timer's only effect is
 * its bookkeeping, and that is quadratic. It keeps a list of "outstanding" lock events for diagnostics, to which the
 * lock changes of every workflow update are appended and never removed, while each handle's unlock removes its own
 * event by a linear scan of that list. The list grows with every workflow task and activity the server has ever
 * handled: after a few thousand runs that scan alone took 13% of the stack's CPU (RunBench, JFR), and the list is
 * never freed. Without time skipping there is nothing to lock, so this timer keeps no such list.
 * <p>
 * It lives in Temporal's package because the timer interface and the services' constructors are package-private;
 * the time-skipping {@code TestService} is left out, since nothing here can skip time.
 */
public final class WallClockServices implements Closeable {
    private final WallClockTimer timer = new WallClockTimer();
    private final TestVisibilityStore visibilityStore = new TestVisibilityStoreImpl();
    private final TestWorkflowStore workflowStore = new TestWorkflowStoreImpl(timer);
    private final TestNexusEndpointStore nexusEndpointStore = new TestNexusEndpointStoreImpl();
    private final TestOperatorService operatorService = new TestOperatorService(visibilityStore, nexusEndpointStore);
    private final TestWorkflowService workflowService = new TestWorkflowService(workflowStore, visibilityStore,
                                                                                nexusEndpointStore, timer);

    /** The gRPC services to register on a server (with {@code GRPCServerHelper} for their health checks). */
    public List<BindableService> services() {
        return List.of(operatorService, () -> continuingAsNewAtomically(workflowService.bindService()));
    }

    /**
     * The workflow service, with a signal or an update addressed by workflow id alone reaching the run that continues
     * a workflow as new, as on a real cluster, where closing a run and starting the next is one transaction. This server
     * marks the run closed, then registers its successor; a call in between found the closed run and was answered "not
     * found", so a run's end told to a rollout then was lost (the rollout stood still until its reconcile: RolloutBench,
     * about once in 10,000 runs, ADR 0019's night addendum). Such a call is made again while the workflow id's latest
     * run is running or has continued as new.
     */
    private ServerServiceDefinition continuingAsNewAtomically(ServerServiceDefinition service) {
        ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(service.getServiceDescriptor());
        String signal = WorkflowServiceGrpc.getSignalWorkflowExecutionMethod().getFullMethodName();
        String update = WorkflowServiceGrpc.getUpdateWorkflowExecutionMethod().getFullMethodName();
        for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
            String name = method.getMethodDescriptor().getFullMethodName();
            if (name.equals(signal)) {
                builder.addMethod(byWorkflowId(WorkflowServiceGrpc.getSignalWorkflowExecutionMethod(), workflowService::signalWorkflowExecution,
                                               r -> r.getNamespace(), r -> r.getWorkflowExecution()));
            } else if (name.equals(update)) {
                builder.addMethod(byWorkflowId(WorkflowServiceGrpc.getUpdateWorkflowExecutionMethod(), workflowService::updateWorkflowExecution,
                                               r -> r.getNamespace(), r -> r.getWorkflowExecution()));
            } else {
                builder.addMethod(method);
            }
        }
        return builder.build();
    }

    /** {@code method}, answered by {@code serve} through {@link ByWorkflowId}. */
    private <Q, A> ServerMethodDefinition<Q, A> byWorkflowId(MethodDescriptor<Q, A> method, BiConsumer<Q, StreamObserver<A>> serve,
                                                             Function<Q, String> namespace, Function<Q, WorkflowExecution> execution) {
        return ServerMethodDefinition.create(method, ServerCalls.asyncUnaryCall(
                (request, answer) -> ByWorkflowId.call(execution.apply(request), observer -> serve.accept(request, observer),
                                                       () -> continuing(namespace.apply(request), execution.apply(request)), answer)));
    }

    /** Whether the workflow id's latest run is running, or has continued as new and its successor is on its way. */
    private boolean continuing(String namespace, WorkflowExecution execution) {
        ByWorkflowId.Answer<DescribeWorkflowExecutionResponse> described = new ByWorkflowId.Answer<>();
        workflowService.describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder().setNamespace(namespace)
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(execution.getWorkflowId())).build(), described);
        if (described.value == null) {
            return false;
        }
        WorkflowExecutionStatus status = described.value.getWorkflowExecutionInfo().getStatus();
        return status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
                || status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW;
    }

    @Override
    public void close() {
        workflowService.close();
        operatorService.close();
        visibilityStore.close();
        timer.shutdown();
    }

    /** Runs each task when the wall clock reaches its time; time-skipping locks are accepted and change nothing. */
    static final class WallClockTimer implements SelfAdvancingTimer {
        private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WallClockTimer.class);
        private static final LockHandle NO_LOCK = new LockHandle() {
            @Override
            public void unlock() {
            }

            @Override
            public void unlock(String caller) {
            }
        };

        // Five threads, as the self-advancing timer runs its tasks: a task may wait on a workflow's lock.
        private final ScheduledThreadPoolExecutor executor;

        WallClockTimer() {
            AtomicInteger threads = new AtomicInteger();
            executor = new ScheduledThreadPoolExecutor(5, task -> {
                Thread thread = new Thread(task, "Temporal timer task " + threads.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
            // Cancelled timers (an activity's timeout once it completed) leave the queue at once, not when due.
            executor.setRemoveOnCancelPolicy(true);
        }

        @Override
        public Functions.Proc schedule(Duration delay, Runnable task) {
            return schedule(delay, task, "unknown");
        }

        @Override
        public Functions.Proc schedule(Duration delay, Runnable task, String taskInfo) {
            ScheduledFuture<?> future = executor.schedule(() -> {
                try {
                    task.run();
                } catch (Throwable e) {
                    LOG.error("Unexpected failure in timer task " + taskInfo, e);
                }
            }, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
            return () -> future.cancel(false);
        }

        @Override
        public Functions.Proc scheduleAt(Instant timestamp, Runnable task, String taskInfo) {
            return schedule(Duration.ofMillis(timestamp.toEpochMilli() - System.currentTimeMillis()), task, taskInfo);
        }

        @Override
        public LongSupplier getClock() {
            return System::currentTimeMillis;
        }

        @Override
        public LockHandle lockTimeSkipping(String caller) {
            return NO_LOCK;
        }

        @Override
        public void unlockTimeSkipping(String caller) {
        }

        @Override
        public void updateLocks(List<RequestContext.TimerLockChange> updates) {
        }

        @Override
        public Instant skip(Duration duration) {
            throw new UnsupportedOperationException("this Temporal server runs on the wall clock: time cannot be skipped");
        }

        @Override
        public void skipTo(Instant timestamp) {
            throw new UnsupportedOperationException("this Temporal server runs on the wall clock: time cannot be skipped");
        }

        @Override
        public void getDiagnostics(StringBuilder result) {
            result.append("Wall-clock timer: no time skipping, ").append(executor.getQueue().size()).append(" tasks scheduled\n");
        }

        @Override
        public void shutdown() {
            executor.shutdownNow();
        }
    }
}
