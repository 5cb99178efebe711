package dev.drover.migrators.pgrotation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

/**
 * A demo service that does what a well-behaved service does with a mounted Secret: it keeps one PostgreSQL session
 * open as the credential in its folder, watches {@code ..data}, and when the kubelet (here, the migrator) swaps it,
 * signs in with the new credential and then closes the old session. So a rotation of it completes unattended.
 */
public final class DemoService implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(DemoService.class.getName());

    private final String name;
    private final Path folder;
    private final String url;
    private final Duration every;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile String user = "";
    private Connection session;
    private Path seen;

    /** @param url the JDBC URL of the service's database, without a user (it signs in with the secret's) */
    public DemoService(String name, Path folder, String url, Duration every) {
        this.name = name;
        this.folder = folder;
        this.url = url;
        this.every = every;
        this.thread = Thread.ofVirtual().name("demo-service-" + name).start(this::run);
    }

    /** The role its session uses now; empty before it has signed in. */
    public String user() {
        return user;
    }

    private void run() {
        while (running) {
            try {
                tick();
            } catch (Exception e) {
                LOGGER.log(System.Logger.Level.DEBUG, "demo service " + name + ": " + e.getMessage());
                closeSession();
                seen = null; // sign in again at the next tick
            }
            try {
                Thread.sleep(every);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void tick() throws Exception {
        Optional<Path> data = Files.isSymbolicLink(folder.resolve(MountedSecretDirectory.DATA))
                ? Optional.of(Files.readSymbolicLink(folder.resolve(MountedSecretDirectory.DATA))) : Optional.empty();
        if (data.isEmpty()) {
            return;
        }
        if (!data.get().equals(seen)) {
            // Read through ..data once, so both keys come from the same publication.
            Path current = folder.resolve(data.get());
            String username = Files.readString(current.resolve(SecretDestination.USERNAME)).strip();
            Properties properties = new Properties();
            properties.setProperty("user", username);
            properties.setProperty("password", Files.readString(current.resolve(SecretDestination.PASSWORD)).strip());
            properties.setProperty("ApplicationName", "drover-demo-" + name);
            Connection fresh = DriverManager.getConnection(url, properties);
            closeSession();
            session = fresh;
            seen = data.get();
            user = username;
            LOGGER.log(System.Logger.Level.INFO, "demo service " + name + " signed in as " + username);
        }
        try (Statement statement = session.createStatement()) {
            statement.execute("select 1");
        }
    }

    private void closeSession() {
        if (session != null) {
            try {
                session.close();
            } catch (SQLException ignored) {
                // gone already
            }
            session = null;
            user = "";
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeSession();
    }
}
