package dev.drover.functions;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A fake Redis that answers every command as a real one does while it loads its data after a restart:
 * {@code -LOADING Redis is loading the dataset in memory}. A real Redis is in that state for seconds
 * only, too short and too slow to reach from a test.
 */
final class LoadingRedis implements AutoCloseable {
    static final String ERROR = "-LOADING Redis is loading the dataset in memory\r\n";

    private final ServerSocket server;

    LoadingRedis() {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().start(this::accept);
    }

    URI url() {
        return URI.create("redis://127.0.0.1:" + server.getLocalPort());
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread.ofVirtual().start(() -> serve(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Reads RESP commands (arrays of bulk strings, or inline) and answers each with the LOADING error. */
    private static void serve(Socket client) {
        try (client; InputStream in = new BufferedInputStream(client.getInputStream()); OutputStream out = client.getOutputStream()) {
            for (String line = readLine(in); line != null; line = readLine(in)) {
                if (line.startsWith("*")) {
                    int parts = Integer.parseInt(line.substring(1));
                    for (int i = 0; i < parts; i++) {
                        int length = Integer.parseInt(readLine(in).substring(1));
                        in.readNBytes(length + 2);
                    }
                }
                out.write(ERROR.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            // the client went away
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c >= 0; c = in.read()) {
            if (c == '\n') {
                return line.toString().stripTrailing();
            }
            line.append((char) c);
        }
        return null;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
