package dev.drover.functions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP/1.1 by hand over a socket: a client library refuses to send what a hostile client sends (bad
 * header bytes, other protocol versions, lying lengths), and those are what the fuzz suite needs.
 */
final class RawHttp {
    private RawHttp() {
    }

    /** One answer; {@code status} is -1 when the server closed without one. */
    record Response(int status, Map<String, String> headers, String body) {
        Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }

        String contentType() {
            return headers.get("content-type");
        }
    }

    /** Sends {@code head} (request line and headers, without the blank line) and {@code body}, then reads the answer. */
    static Response exchange(URI server, String head, byte[] body) {
        byte[] prologue = (head + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        return exchange(server, prologue, body);
    }

    static Response exchange(URI server, byte[] prologue, byte[] body) {
        try (Socket socket = new Socket(server.getHost(), server.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(prologue);
                out.write(body);
                out.flush();
                socket.shutdownOutput();
            } catch (IOException e) {
                // The server may answer and close before reading all we send (413, 431): read its answer.
            }
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                read.write(buffer, 0, n);
                if (firstEventOfAStream(read)) {
                    break; // an event stream never ends by itself: its head and first event are the answer
                }
            }
        } catch (IOException e) {
            // A reset once the answer is in (the server closed with our unread bytes pending) is fine: keep what came.
        }
        byte[] all = read.toByteArray();
        // Interim answers (100 Continue to an Expect) come before the real one: skip them.
        String interim = new String(all, StandardCharsets.ISO_8859_1);
        while (interim.startsWith("HTTP/1.1 1") && interim.indexOf("\r\n\r\n") > 0) {
            int cut = interim.indexOf("\r\n\r\n") + 4;
            all = java.util.Arrays.copyOfRange(all, cut, all.length);
            interim = interim.substring(cut);
        }
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return new Response(-1, Map.of(), text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim(),
                              (a, b) -> a + ", " + b);
            }
        }
        byte[] rest = java.util.Arrays.copyOfRange(all, end + 4, all.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            rest = dechunk(rest);
        } else if (headers.containsKey("content-length")) {
            int length = Integer.parseInt(headers.get("content-length"));
            rest = java.util.Arrays.copyOf(rest, Math.min(length, rest.length));
        }
        return new Response(Integer.parseInt(statusLine[1]), headers, new String(rest, StandardCharsets.UTF_8));
    }

    private static boolean firstEventOfAStream(ByteArrayOutputStream read) {
        String text = read.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        return end > 0 && text.substring(0, end).toLowerCase(Locale.ROOT).contains("content-type: text/event-stream")
                && text.indexOf("\n\n", end + 4) > 0;
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String text = new String(chunked, StandardCharsets.ISO_8859_1);
        int at = 0;
        while (at < text.length()) {
            int lineEnd = text.indexOf("\r\n", at);
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(text.substring(at, lineEnd).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.write(chunked, lineEnd + 2, Math.min(size, chunked.length - lineEnd - 2));
            at = lineEnd + 2 + size + 2;
        }
        return out.toByteArray();
    }
}
