package dev.vscan.messaging;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The CLI's {@code broker} command in a JVM of its own, for tests that stop a broker the way a machine
 * fails: {@link #kill()} is {@code kill -9}. The broker keeps its port and data directory across
 * {@link #restart()}s, so clients reconnect and committed records survive. Its output goes to a log
 * file under target/broker-process/ (appended across restarts); a start that fails says where.
 *
 * <pre>{@code
 * try (BrokerProcess broker = BrokerProcess.start(tempDir)) {
 *     produce(broker.bootstrapServers(), ...);
 *     broker.kill();
 *     broker.restart();
 *     consume(broker.bootstrapServers(), ...);
 * }
 * }</pre>
 */
public final class BrokerProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final String READY = "listening on ";
    private static final Path LOG_DIR = Path.of("target", "broker-process");
    private static final AtomicInteger STARTED = new AtomicInteger();

    private final Path dataDir;
    private final List<String> options;
    private final Path logFile;
    private int port;
    private String bootstrapServers;
    private Process process;
    private Thread drain;

    private BrokerProcess(Path dataDir, int port, List<String> options) {
        this.dataDir = dataDir.toAbsolutePath();
        this.port = port;
        this.options = List.copyOf(options);
        this.logFile = LOG_DIR.resolve("broker-" + ProcessHandle.current().pid() + "-" + STARTED.incrementAndGet() + ".log")
                .toAbsolutePath();
    }

    /** A plaintext broker on a free port with the service's topics. */
    public static BrokerProcess start(Path dataDir) {
        return start(dataDir, 0, List.of());
    }

    /**
     * A broker on {@code port} (0: a free one, kept for restarts) with more options of the {@code broker}
     * command, e.g. {@code --sasl-user alice:secret} or {@code --topics a,b --partitions 1}.
     */
    public static BrokerProcess start(Path dataDir, int port, List<String> options) {
        BrokerProcess broker = new BrokerProcess(dataDir, port, options);
        broker.launch();
        return broker;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or closed; returns once the process is gone. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            awaitExit(STOP_TIMEOUT);
        }
    }

    /** SIGTERM: the broker closes cleanly; killed if it has not exited within a minute. */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!awaitExit(STOP_TIMEOUT)) {
                kill();
                throw new IllegalStateException("the broker did not stop within " + STOP_TIMEOUT.toSeconds()
                        + " s of SIGTERM and was killed; see " + logFile);
            }
        }
    }

    /** Stops the broker if it runs, then starts it again on the same port with the same data. */
    public void restart() {
        stop();
        launch();
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            kill();
        }
    }

    private void launch() {
        try {
            Files.createDirectories(LOG_DIR);
            Files.writeString(logFile, "=== " + Instant.now() + " broker on port " + port + ", data in " + dataDir
                    + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command()).redirectErrorStream(true);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the broker process; see " + logFile, e);
        }
        CompletableFuture<String> ready = new CompletableFuture<>();
        Process running = process;
        drain = new Thread(() -> drain(running, ready), "broker-process-log-" + running.pid());
        drain.setDaemon(true);
        drain.start();
        try {
            bootstrapServers = ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            port = Integer.parseInt(bootstrapServers.substring(bootstrapServers.lastIndexOf(':') + 1));
        } catch (TimeoutException | ExecutionException e) {
            kill();
            throw new IllegalStateException("the broker did not print '" + READY + "' within "
                    + START_TIMEOUT.toSeconds() + " s (" + e.getMessage() + "); its output is in " + logFile, e);
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the broker started", e);
        }
    }

    private List<String> command() throws IOException {
        // The test class path may be longer than one command-line argument may be: pass it in a file.
        Path argFile = logFile.resolveSibling(logFile.getFileName() + ".args");
        String classPath = System.getProperty("java.class.path").replace("\\", "\\\\").replace("\"", "\\\"");
        Files.writeString(argFile, "-cp \"" + classPath + "\"" + System.lineSeparator());
        // A broker for tests: quick to start (C1 only) rather than fast at its peak.
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "@" + argFile,
                "dev.vscan.cli.Main", "broker", "--port", String.valueOf(port), "--data-dir", dataDir.toString(),
                "--exit-with-parent"));
        command.addAll(options);
        return command;
    }

    /** Copies the process output to the log file and completes {@code ready} with the address it prints. */
    private void drain(Process running, CompletableFuture<String> ready) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(running.getInputStream(),
                StandardCharsets.UTF_8));
                PrintWriter log = new PrintWriter(Files.newBufferedWriter(logFile, StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND), true)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                log.println(LocalTime.now() + " " + line);
                if (line.startsWith(READY)) {
                    ready.complete(line.substring(READY.length()).split(" ", 2)[0]);
                }
            }
            int status = running.waitFor();
            log.println("=== " + Instant.now() + " exited with status " + status);
            ready.completeExceptionally(new IllegalStateException("the broker exited with status " + status));
        } catch (IOException e) {
            ready.completeExceptionally(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ready.completeExceptionally(e);
        }
    }

    /** Waits for the process to exit and its last output to reach the log. */
    private boolean awaitExit(Duration timeout) {
        try {
            boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (exited) {
                drain.join(Duration.ofSeconds(5).toMillis());
            }
            return exited;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
