package dev.drover.local.stack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks, before anything starts, that every fixed port of the stack is free on its interface: a taken port
 * is one line naming the port, what it is for and the setting that moves it, not a stack trace half way
 * through a start (or, for Temporal's, a hang).
 */
final class TakenPorts {
    private TakenPorts() {
    }

    /** One line per taken port; empty when all are free. Port 0 (any free port) and -1 (off) are not checked. */
    static List<String> check(LocalStackSettings settings) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("the API (--port or DROVER_PORT)", settings.api());
        ports.put("the OIDC issuer (DROVER_ISSUER_PORT)", settings.issuer());
        ports.put("the broker stand-in (DROVER_BROKER_PORT)", settings.broker());
        ports.put("the Dapr stand-in's gRPC API (DAPR_GRPC_PORT)", settings.daprGrpc());
        ports.put("the Dapr stand-in's HTTP API (DAPR_HTTP_PORT)", settings.daprHttp());
        if (settings.temporalAddress().isEmpty()) {
            ports.put("Temporal (DROVER_TEMPORAL_PORT, or TEMPORAL_ADDRESS for a real cluster)", settings.temporalPort());
        }
        if (settings.demoMigrator() > 0) {
            ports.put("the hello-world demo migrator (DROVER_DEMO_PORT; -1 turns the demos off)", settings.demoMigrator());
            ports.put("the app-chart demo migrator (DROVER_DEMO_PORT + 1)", settings.demoMigrator() + 1);
        }
        List<String> taken = new ArrayList<>();
        ports.forEach((what, port) -> {
            if (port > 0 && !free(settings.bind(), port)) {
                taken.add("port " + port + " on " + settings.bind() + " is taken; it is " + what + ": stop what listens there, "
                                  + "or move it");
            }
        });
        return taken;
    }

    private static boolean free(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            // No SO_REUSEADDR: a port someone listens on must count as taken, as the real bind will see it.
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
