package dev.vscan.cli;

import dev.vscan.messaging.BrokerListeners;
import dev.vscan.messaging.EmbeddedKafkaBroker;
import dev.vscan.messaging.SaslUsers;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code broker --data-dir DIR [--port N] [--sasl-user name:password ...] [--plaintext-port N]
 * [--partitions N] [--topics a,b] [--exit-with-parent]}: the embedded KRaft broker in this JVM, with
 * the service's topics, until the process is stopped (SIGTERM closes it cleanly). It prints
 * {@code listening on HOST:PORT} once the topics exist, so a script or test may wait for that line.
 */
final class BrokerCommand {

    static final List<String> SERVICE_TOPICS = List.of("vscan.requests", "vscan.results", "vscan.telemetry", "vscan.dlq");

    private BrokerCommand() {}

    static int run(String[] args, PrintStream out) {
        Arguments a = new Arguments(args, 1,
                Set.of("port", "data-dir", "sasl-user", "plaintext-port", "partitions", "topics"),
                Set.of("exit-with-parent"));
        if (!a.positional().isEmpty()) {
            throw new UsageException("broker takes options only, got '" + a.positional().get(0) + "'");
        }
        Path dataDir = Path.of(a.required("data-dir"));
        BrokerListeners listeners = listeners(a);
        int partitions = a.integer("partitions", 4);
        if (partitions < 1) {
            throw new UsageException("--partitions must be at least 1, got " + partitions);
        }
        Map<String, Integer> topics = topics(a.string("topics", String.join(",", SERVICE_TOPICS)), partitions);
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, listeners);
        CountDownLatch closed = new CountDownLatch(1);
        Thread shutdown = new Thread(() -> close(broker, closed), "broker-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        try {
            broker.createTopics(topics);
        } catch (RuntimeException e) {
            Runtime.getRuntime().removeShutdownHook(shutdown);
            close(broker, closed);
            throw e;
        }
        if (a.flag("exit-with-parent")) {
            // A harness that dies without stopping us (kill -9) must not leave a broker holding its port.
            ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> System.exit(0)));
        }
        out.println("topics " + String.join(", ", topics.keySet()) + " (" + partitions + " partitions) in "
                + dataDir.toAbsolutePath());
        broker.plaintextBootstrapServers().filter(address -> listeners.sasl().isPresent())
                .ifPresent(address -> out.println("plaintext listener on " + address));
        out.println("listening on " + broker.bootstrapServers() + listeners.sasl()
                .map(users -> " (SASL_PLAINTEXT: " + String.join(", ", SaslUsers.MECHANISMS) + "; users "
                        + String.join(", ", users.names()) + ")").orElse(""));
        out.flush();
        try {
            closed.await();
        } catch (InterruptedException e) {
            // Run in-process (not from main): an interrupt stops the broker like a signal would.
            Runtime.getRuntime().removeShutdownHook(shutdown);
            close(broker, closed);
            Thread.currentThread().interrupt();
        }
        return Main.OK;
    }

    private static BrokerListeners listeners(Arguments a) {
        int port = a.integer("port", 9092);
        List<String> users = a.all("sasl-user");
        if (users.isEmpty()) {
            if (!a.all("plaintext-port").isEmpty()) {
                throw new UsageException("--plaintext-port opens a plaintext listener beside the SASL one: it needs"
                        + " --sasl-user");
            }
            return BrokerListeners.plaintext(port);
        }
        BrokerListeners sasl = BrokerListeners.sasl(port, SaslUsers.parse(users));
        return a.all("plaintext-port").isEmpty() ? sasl : sasl.withPlaintextPort(a.integer("plaintext-port", 0));
    }

    private static Map<String, Integer> topics(String names, int partitions) {
        Map<String, Integer> topics = new LinkedHashMap<>();
        for (String name : Arrays.stream(names.split(",")).map(String::strip).toList()) {
            if (name.isEmpty()) {
                throw new UsageException("--topics has an empty name in '" + names + "'");
            }
            topics.put(name, partitions);
        }
        return topics;
    }

    private static void close(EmbeddedKafkaBroker broker, CountDownLatch closed) {
        if (closed.getCount() > 0) {
            broker.close();
            closed.countDown();
        }
    }
}
