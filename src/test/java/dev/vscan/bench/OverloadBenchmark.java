package dev.vscan.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the service does when offered more than it can serve. Against a running service (bench/overload.sh
 * starts it): (1) a closed loop of HTTP clients measures the sustainable rate R; (2) an open loop offers
 * {@code factor} x R over HTTP, where the ingest should shed load with 429 + Retry-After once the workers'
 * lag passes vscan.ingest.max-backlog; (3) offering stops and every accepted request must be answered,
 * exactly once, on the result topic (read_committed). Then (4) a plain Kafka producer, which no 429 can
 * stop, offers the same rate directly to the request topic: the lag grows, the workers pause consumption
 * instead of buffering, so the resident set stays flat, and the backlog drains afterwards.
 * Throughout, the service's RSS and the lag are sampled once a second.
 *
 * <p>Arguments: {@code --http URL --bootstrap HOST:PORT --pid PID [--jvm TEXT (how the service was started, for
 * the report)] [--samples samples]
 * [--max-new-tokens 4] [--clients 32] [--warmup-seconds 15] [--rate-seconds 20] [--factor 5]
 * [--http-seconds 60] [--kafka-seconds 30] [--catch-up-timeout 300] [--stall-seconds 30] [--max-in-flight 512]
 * [--timeline-every 10] [--csv target/overload-samples.csv]}
 */
public final class OverloadBenchmark {

    private static final String REQUESTS = "vscan.requests";
    private static final String RESULTS = "vscan.results";
    private static final String WORKERS = "vscan-workers";

    private OverloadBenchmark() {}

    /** One overload phase's figures, for the report's table. */
    record PhaseReport(String name, double seconds, double targetRate, double offeredRate, long accepted,
            String refused, String retryAfter, String other, String postLatency, double servedPerSecond,
            long maxLag, long rssBeforeKb, long rssMaxKb, String nativeMemory, Verdict verdict,
            String resultLatency, String catchUp) {}

    /** How the accepted requests were answered on the result topic. */
    record Verdict(long accepted, long answeredOnce, long lost, long duplicates, long refusedAnswered,
            Map<String, Long> statuses) {}

    public static void main(String[] args) throws Exception {
        URI http = URI.create(BenchOptions.option(args, "--http", "http://127.0.0.1:8080"));
        String bootstrap = BenchOptions.option(args, "--bootstrap", "127.0.0.1:9092");
        long pid = Long.parseLong(BenchOptions.option(args, "--pid", "0"));
        String jvm = BenchOptions.option(args, "--jvm", "?");
        Path samples = Path.of(BenchOptions.option(args, "--samples", "samples"));
        int maxNewTokens = Integer.parseInt(BenchOptions.option(args, "--max-new-tokens", "4"));
        int clients = Integer.parseInt(BenchOptions.option(args, "--clients", "32"));
        Duration warmup = seconds(args, "--warmup-seconds", "15");
        Duration rateWindow = seconds(args, "--rate-seconds", "20");
        double factor = Double.parseDouble(BenchOptions.option(args, "--factor", "5"));
        Duration httpFor = seconds(args, "--http-seconds", "60");
        Duration kafkaFor = seconds(args, "--kafka-seconds", "30");
        Duration catchUpTimeout = seconds(args, "--catch-up-timeout", "300");
        Duration stall = seconds(args, "--stall-seconds", "30");
        int maxInFlight = Integer.parseInt(BenchOptions.option(args, "--max-in-flight", "512"));
        int timelineEvery = Integer.parseInt(BenchOptions.option(args, "--timeline-every", "10"));
        Path csv = Path.of(BenchOptions.option(args, "--csv", "target/overload-samples.csv"));

        // Ids unique to this run, so that a second run against the same broker is not de-duplicated.
        String run = Long.toString(System.currentTimeMillis() % 2_000_000_000L, 36);
        SampleRequests requests = SampleRequests.load(samples, maxNewTokens);
        AtomicLong produced = new AtomicLong();
        try (HttpLoad load = new HttpLoad(http, requests);
                ResultLedger ledger = new ResultLedger(bootstrap, RESULTS);
                ServiceSampler sampler = new ServiceSampler(pid, bootstrap, REQUESTS, WORKERS, Map.of(
                        "accepted", load::acceptedTotal, "refused", load::refusedTotal,
                        "produced", produced::get, "answered", ledger::total))) {
            progress("closed loop: %d HTTP clients, %d s of warm-up, then %d s measured", clients,
                    warmup.toSeconds(), rateWindow.toSeconds());
            sampler.phase("closed loop");
            HttpLoad.ClosedLoop measured = load.closedLoop(run + "-closed", clients, warmup, rateWindow);
            double rate = measured.answersPerSecond();
            progress("sustainable rate R = %.1f requests/s", rate);
            Set<String> closedLoop = measured.accepted();
            if (ledger.awaitAll(closedLoop, Duration.ofSeconds(120), stall) != ResultLedger.Wait.ALL_ANSWERED) {
                throw new IllegalStateException("closed-loop requests still unanswered after the loop ended");
            }

            PhaseReport overHttp = overHttp(load, ledger, sampler, run, factor * rate, httpFor, maxInFlight,
                    catchUpTimeout, stall, pid);
            PhaseReport overKafka = overKafka(bootstrap, requests, ledger, sampler, run, factor * rate, kafkaFor,
                    catchUpTimeout, stall, produced, pid);
            sampler.phase("done");
            Verdict closed = verdict(ledger, closedLoop, Set.of());

            List<ServiceSampler.Sample> all = sampler.samples();
            writeCsv(csv, all);
            printReport(jvm, requests, clients, rate, measured.seconds(), factor, closed, overHttp, overKafka, sampler.peakRssKb());
            printTimeline(all, timelineEvery);
            System.out.printf(Locale.ROOT, "%nEvery second's sample: %s%n", csv);
        }
    }

    private static PhaseReport overHttp(HttpLoad load, ResultLedger ledger, ServiceSampler sampler, String run,
            double rate, Duration duration, int maxInFlight, Duration catchUpTimeout, Duration stall, long pid)
            throws Exception {
        progress("HTTP: offering %.1f requests/s for %d s", rate, duration.toSeconds());
        long rssBefore = sampler.rssKb();
        sampler.phase("http overload");
        HttpLoad.Outcome o = load.openLoop(run + "-http", rate, duration, maxInFlight);
        long stopped = System.nanoTime();
        String nativeMemory = jvmMemory(pid);
        sampler.phase("http catch-up");
        progress("HTTP: %d accepted, %d refused; waiting for the accepted ones' answers", o.accepted().size(),
                o.refused().size());
        ResultLedger.Wait all = ledger.awaitAll(o.accepted(), catchUpTimeout, stall);
        long last = ledger.lastArrivalNanos(o.accepted());
        // an answer to a refused request would arrive by now too
        Thread.sleep(2000);

        List<ServiceSampler.Sample> during = sampler.during("http overload");
        List<ServiceSampler.Sample> withCatchUp = sampler.during("http overload", "http catch-up");
        String refused = String.format(Locale.ROOT, "%d (%.0f %% of the posts)", o.refused().size(),
                100.0 * o.refused().size() / Math.max(1, o.attempted() - o.skipped()));
        String retryAfter = String.format(Locale.ROOT, "%d of %d have Retry-After 1..60 (p50 / p99 / max %s); "
                        + "%d of %d code backlog_full, naming a backlog of %s",
                o.refused().size() - o.retryAfterBad(), o.refused().size(), percentiles(o.retryAfterSeconds(), "s"),
                o.refused().size() - o.wrongCode(), o.refused().size(), range(o.backlogNamed()));
        String other = o.otherStatuses().isEmpty() && o.errors() == 0 && o.skipped() == 0 ? "none"
                : String.format(Locale.ROOT, "statuses %s, client errors %d, skipped (client at %d in flight) %d; first: %s",
                        new TreeMap<>(o.otherStatuses()), o.errors(), maxInFlight, o.skipped(), o.firstError());
        String postLatency = String.format(Locale.ROOT, "202: %s; 429: %s", percentiles(o.acceptedMs(), "ms"),
                percentiles(o.refusedMs(), "ms"));
        return new PhaseReport("HTTP POST /v1/requests", o.seconds(), rate, o.offeredPerSecond(), o.accepted().size(),
                refused, retryAfter, other, postLatency, answeredPerSecond(during), maxLag(withCatchUp), rssBefore,
                maxRss(withCatchUp), nativeMemory, verdict(ledger, o.accepted(), o.refused()),
                resultLatency(ledger, o.accepted(), o.sentNanos()), catchUp(all, last, stopped, catchUpTimeout, stall));
    }

    private static PhaseReport overKafka(String bootstrap, SampleRequests requests, ResultLedger ledger,
            ServiceSampler sampler, String run, double rate, Duration duration, Duration catchUpTimeout,
            Duration stall, AtomicLong produced, long pid) throws Exception {
        progress("Kafka: producing %.1f requests/s for %d s straight to %s", rate, duration.toSeconds(), REQUESTS);
        long rssBefore = sampler.rssKb();
        sampler.phase("kafka overload");
        Map<String, Long> sent = new ConcurrentHashMap<>();
        Set<String> stored = ConcurrentHashMap.newKeySet();
        AtomicLong failures = new AtomicLong();
        long start = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
            long end = start + duration.toNanos();
            double interval = 1e9 / rate;
            for (long i = 0; ; i++) {
                long at = start + (long) (i * interval);
                if (at >= end) {
                    break;
                }
                LockSupport.parkNanos(at - System.nanoTime());
                String id = run + "-kafka-" + i;
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(REQUESTS, id, requests.body(id));
                record.headers().add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
                sent.put(id, System.nanoTime());
                producer.send(record, (metadata, failure) -> {
                    if (failure == null) {
                        stored.add(id);
                        produced.incrementAndGet();
                    } else {
                        failures.incrementAndGet();
                    }
                });
            }
            producer.flush();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long stopped = System.nanoTime();
        String nativeMemory = jvmMemory(pid);
        sampler.phase("kafka drain");
        progress("Kafka: %d stored; waiting for the backlog to drain", stored.size());
        ResultLedger.Wait all = ledger.awaitAll(stored, catchUpTimeout, stall);
        long last = ledger.lastArrivalNanos(stored);
        Thread.sleep(2000);

        List<ServiceSampler.Sample> during = sampler.during("kafka overload");
        List<ServiceSampler.Sample> withDrain = sampler.during("kafka overload", "kafka drain");
        return new PhaseReport("Kafka producer to " + REQUESTS, seconds, rate, sent.size() / seconds, stored.size(),
                "none (no HTTP)", "-", failures.get() == 0 ? "none" : failures.get() + " failed sends", "-",
                answeredPerSecond(during), maxLag(withDrain), rssBefore, maxRss(withDrain), nativeMemory,
                verdict(ledger, stored, Set.of()), resultLatency(ledger, stored, sent),
                catchUp(all, last, stopped, catchUpTimeout, stall));
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // idempotent, so a retried send cannot put a request on the topic twice
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private static Verdict verdict(ResultLedger ledger, Collection<String> accepted, Collection<String> refused) {
        long once = 0;
        long lost = 0;
        long duplicates = 0;
        Map<String, Long> statuses = new TreeMap<>();
        for (String id : accepted) {
            ResultLedger.Entry e = ledger.get(id);
            if (e == null) {
                lost++;
                continue;
            }
            statuses.merge(e.status(), 1L, Long::sum);
            if (e.count() == 1) {
                once++;
            } else {
                duplicates++;
            }
        }
        long refusedAnswered = refused.stream().filter(id -> ledger.get(id) != null).count();
        return new Verdict(accepted.size(), once, lost, duplicates, refusedAnswered, statuses);
    }

    /** From each request's send to its first result on the topic. */
    private static String resultLatency(ResultLedger ledger, Collection<String> ids, Map<String, Long> sentNanos) {
        List<Double> seconds = new ArrayList<>();
        for (String id : ids) {
            ResultLedger.Entry e = ledger.get(id);
            Long sent = sentNanos.get(id);
            if (e != null && sent != null) {
                seconds.add((e.firstNanos() - sent) / 1e9);
            }
        }
        return percentiles(seconds, "s");
    }

    private static String catchUp(ResultLedger.Wait wait, long lastNanos, long stoppedNanos, Duration timeout,
            Duration stall) {
        String last = String.format(Locale.ROOT, "%.1f s", Math.max(0, lastNanos - stoppedNanos) / 1e9);
        return switch (wait) {
            case ALL_ANSWERED -> last;
            case STALLED -> "NOT caught up: no answer for " + stall.toSeconds() + " s (the last at " + last + ")";
            case TIMED_OUT -> "NOT caught up within " + timeout.toSeconds() + " s";
        };
    }

    private static double answeredPerSecond(List<ServiceSampler.Sample> samples) {
        if (samples.size() < 2) {
            return 0;
        }
        ServiceSampler.Sample first = samples.get(0);
        ServiceSampler.Sample last = samples.get(samples.size() - 1);
        return (last.answered() - first.answered()) / (last.seconds() - first.seconds());
    }

    private static long maxLag(List<ServiceSampler.Sample> samples) {
        return samples.stream().mapToLong(ServiceSampler.Sample::lag).max().orElse(-1);
    }

    private static long maxRss(List<ServiceSampler.Sample> samples) {
        return samples.stream().mapToLong(ServiceSampler.Sample::rssKb).max().orElse(-1);
    }

    private static final Pattern NMT_TOTAL = Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB");
    private static final Pattern NMT_CATEGORY = Pattern.compile("-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");

    private static final Pattern HEAP_USED = Pattern.compile("total (\\d+)K, used (\\d+)K");

    /**
     * The heap in use (garbage included) and the JVM's own account of its committed memory by category
     * (the service runs with -XX:NativeMemoryTracking=summary); what the resident set holds beyond the
     * JVM's share belongs to the native libraries (libtorch, the allocator).
     */
    private static String jvmMemory(long pid) {
        String heap = jcmd(pid, "GC.heap_info");
        String nmt = jcmd(pid, "VM.native_memory", "summary");
        Matcher used = HEAP_USED.matcher(heap);
        Matcher total = NMT_TOTAL.matcher(nmt);
        if (!used.find() || !total.find()) {
            return "n/a (jcmd: " + heap.lines().findFirst().orElse("") + ")";
        }
        Map<String, Long> committed = new LinkedHashMap<>();
        Matcher m = NMT_CATEGORY.matcher(nmt);
        while (m.find()) {
            committed.put(m.group(1).trim(), Long.parseLong(m.group(3)));
        }
        return String.format(Locale.ROOT, "heap used %d of %d; committed %d (heap %d, class %d, threads %d, code %d, "
                        + "GC %d, other %d)", mib(Long.parseLong(used.group(2))), mib(Long.parseLong(used.group(1))),
                mib(Long.parseLong(total.group(2))), mib(committed.getOrDefault("Java Heap", 0L)),
                mib(committed.getOrDefault("Class", 0L)), mib(committed.getOrDefault("Thread", 0L)),
                mib(committed.getOrDefault("Code", 0L)), mib(committed.getOrDefault("GC", 0L)),
                mib(committed.getOrDefault("Other", 0L)));
    }

    private static String jcmd(long pid, String... command) {
        List<String> line = new ArrayList<>(List.of("jcmd", String.valueOf(pid)));
        line.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(30, TimeUnit.SECONDS) ? out : "";
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }

    private static void printReport(String jvm, SampleRequests requests, int clients, double rate,
            double closedSeconds, double factor, Verdict closed, PhaseReport h, PhaseReport k, long peakRssKb) {
        System.out.printf(Locale.ROOT, "%n## Overload: %.0f x R over HTTP, then straight to Kafka%n%n", factor);
        System.out.printf(Locale.ROOT, "- Service JVM: %s; kernel peak RSS (VmHWM) over the run: %d MiB%n", jvm,
                mib(peakRssKb));
        System.out.printf(Locale.ROOT, "- Requests: %d samples cycled, one 112x112 PNG inline each, %d bytes of JSON%n",
                requests.size(), requests.bytes());
        System.out.printf(Locale.ROOT, "- Sustainable rate R = %.1f requests/s (%d closed-loop HTTP clients; "
                + "answers counted over %.0f s; their %d requests answered exactly once: %s)%n%n", rate, clients,
                closedSeconds, closed.accepted(),
                closed.answeredOnce() == closed.accepted() ? "yes" : "no, " + closed);
        System.out.printf("| | %s | %s |%n|---|---|---|%n", h.name(), k.name());
        row("offered for", String.format(Locale.ROOT, "%.0f s", h.seconds()), String.format(Locale.ROOT, "%.0f s", k.seconds()));
        row("rate: target / offered", rates(h), rates(k));
        row("accepted (202) / stored", String.valueOf(h.accepted()), String.valueOf(k.accepted()));
        row("refused (429)", h.refused(), k.refused());
        row("429 details", h.retryAfter(), k.retryAfter());
        row("other outcomes", h.other(), k.other());
        row("POST latency p50 / p99 / max", h.postLatency(), k.postLatency());
        row("answered per second while offered", String.format(Locale.ROOT, "%.1f", h.servedPerSecond()),
                String.format(Locale.ROOT, "%.1f", k.servedPerSecond()));
        row("max consumer lag (records)", String.valueOf(h.maxLag()), String.valueOf(k.maxLag()));
        row("RSS before / max (MiB)", mib(h.rssBeforeKb()) + " / " + mib(h.rssMaxKb()),
                mib(k.rssBeforeKb()) + " / " + mib(k.rssMaxKb()));
        row("JVM memory at the end of offering (MiB)", h.nativeMemory(), k.nativeMemory());
        row("answered exactly once", once(h.verdict()), once(k.verdict()));
        row("result statuses", String.valueOf(h.verdict().statuses()), String.valueOf(k.verdict().statuses()));
        row("refused but answered anyway", String.valueOf(h.verdict().refusedAnswered()), "-");
        row("send to result p50 / p99 / max", h.resultLatency(), k.resultLatency());
        row("catch-up after offering stopped", h.catchUp(), k.catchUp());
    }

    private static String rates(PhaseReport p) {
        return String.format(Locale.ROOT, "%.1f / %.1f req/s", p.targetRate(), p.offeredRate());
    }

    private static String once(Verdict v) {
        return String.format(Locale.ROOT, "%s: %d of %d (lost %d, duplicated %d)",
                v.answeredOnce() == v.accepted() ? "yes" : "NO", v.answeredOnce(), v.accepted(), v.lost(), v.duplicates());
    }

    private static void row(String figure, String http, String kafka) {
        System.out.printf("| %s | %s | %s |%n", figure, http, kafka);
    }

    /** Every {@code every} seconds: the resident set, the lag, and the rates over the interval. */
    private static void printTimeline(List<ServiceSampler.Sample> samples, int every) {
        System.out.printf("%n| t s | phase | RSS MiB | lag | 202/s | 429/s | produced/s | answered/s |%n");
        System.out.println("|---|---|---|---|---|---|---|---|");
        ServiceSampler.Sample previous = null;
        for (int i = 0; i < samples.size(); i += every) {
            ServiceSampler.Sample s = samples.get(i);
            if (previous != null) {
                double dt = s.seconds() - previous.seconds();
                System.out.printf(Locale.ROOT, "| %.0f | %s | %d | %d | %.0f | %.0f | %.0f | %.0f |%n", s.seconds(),
                        s.phase(), mib(s.rssKb()), s.lag(), (s.accepted() - previous.accepted()) / dt,
                        (s.refused() - previous.refused()) / dt, (s.produced() - previous.produced()) / dt,
                        (s.answered() - previous.answered()) / dt);
            }
            previous = s;
        }
    }

    private static void writeCsv(Path csv, List<ServiceSampler.Sample> samples) throws IOException {
        Files.createDirectories(csv.toAbsolutePath().getParent());
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(csv))) {
            out.println("seconds,phase,rss_kb,lag,accepted,refused,produced,answered");
            for (ServiceSampler.Sample s : samples) {
                out.printf(Locale.ROOT, "%.1f,%s,%d,%d,%d,%d,%d,%d%n", s.seconds(), s.phase(), s.rssKb(), s.lag(),
                        s.accepted(), s.refused(), s.produced(), s.answered());
            }
        }
    }

    private static String percentiles(List<Double> values, String unit) {
        if (values.isEmpty()) {
            return "-";
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        String format = unit.equals("ms") ? "%.0f / %.0f / %.0f %s" : "%.1f / %.1f / %.1f %s";
        return String.format(Locale.ROOT, format, percentile(sorted, 0.50), percentile(sorted, 0.99),
                sorted.get(sorted.size() - 1), unit);
    }

    private static String range(List<Double> values) {
        if (values.isEmpty()) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.0f..%.0f", Collections.min(values), Collections.max(values));
    }

    private static double percentile(List<Double> sorted, double p) {
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static long mib(long kb) {
        return kb < 0 ? kb : kb / 1024;
    }

    private static Duration seconds(String[] args, String name, String fallback) {
        return Duration.ofSeconds(Long.parseLong(BenchOptions.option(args, name, fallback)));
    }

    private static void progress(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[overload] " + format + "%n", args);
    }
}
