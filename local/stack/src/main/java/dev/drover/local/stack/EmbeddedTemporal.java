package dev.drover.local.stack;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.WallClockServices;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Temporal's in-process server (temporal-test-server) on one interface. {@code TestServer.createPortBoundServer}
 * binds every interface and takes no host, so this does what it does (temporal-test-server 1.38.0) with the
 * listening address chosen: the workflow and operator services on the wall clock ({@link WallClockServices}: time runs
 * as on a real server, without the test timer's quadratic bookkeeping), registered with the same health checks
 * ({@link GRPCServerHelper}), on a gRPC server bound to {@code host:port}; closing stops the server, then the
 * services, as it does. Public for the benchmarks, which measure Temporal's own floor on the same server.
 */
public final class EmbeddedTemporal implements Closeable {
    private static final System.Logger LOGGER = System.getLogger(EmbeddedTemporal.class.getName());

    private final WallClockServices services;
    private final Server server;

    private EmbeddedTemporal(WallClockServices services, Server server) {
        this.services = services;
        this.server = server;
    }

    public static EmbeddedTemporal start(String host, int port) {
        WallClockServices services = new WallClockServices();
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(host, port), InsecureServerCredentials.create());
        GRPCServerHelper.registerServicesAndHealthChecks(services.services(), builder);
        try {
            return new EmbeddedTemporal(services, builder.build().start());
        } catch (IOException e) {
            services.close();
            throw new UncheckedIOException("cannot bind the embedded Temporal server to " + host + ":" + port, e);
        }
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                LOGGER.log(System.Logger.Level.WARNING, "the embedded Temporal server did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        services.close();
        server.shutdownNow();
    }
}
