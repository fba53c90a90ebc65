package dev.vscan.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP clients of the service, as an application would be one: POST /v1/requests, then read the answer
 * with GET /v1/requests/{id}?wait=N. A closed loop (each client waits for its answer before the next
 * request) finds the rate the service sustains; an open loop offers a fixed rate whatever the answers
 * say, which is what overload looks like from the service's side.
 */
final class HttpLoad implements AutoCloseable {

    private static final Duration POST_TIMEOUT = Duration.ofSeconds(30);
    /** The backlog a 429's detail names: "the workers are N requests behind". */
    private static final Pattern BEHIND = Pattern.compile("the workers are (\\d+) requests behind");

    /** What an open loop saw; every id it was given a 202 or a 429 for, and when each was sent. */
    record Outcome(double seconds, long attempted, long skipped, Set<String> accepted, Set<String> refused,
            Map<String, Long> sentNanos, Map<Integer, Long> otherStatuses, long errors, String firstError,
            long retryAfterBad, List<Double> retryAfterSeconds, List<Double> backlogNamed, long wrongCode,
            List<Double> acceptedMs, List<Double> refusedMs) {

        double offeredPerSecond() {
            return (attempted - skipped) / seconds;
        }
    }

    private final URI base;
    private final SampleRequests requests;
    private final ExecutorService callbacks = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "http-load");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient client;
    private final AtomicLong acceptedTotal = new AtomicLong();
    private final AtomicLong refusedTotal = new AtomicLong();
    private final AtomicLong sequence = new AtomicLong();

    HttpLoad(URI base, SampleRequests requests) {
        this.base = base;
        this.requests = requests;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).executor(callbacks).build();
    }

    long acceptedTotal() {
        return acceptedTotal.get();
    }

    long refusedTotal() {
        return refusedTotal.get();
    }

    /**
     * {@code clients} threads, each posting a request and waiting for its answer before the next, for
     * {@code warmup} (the JIT compiles, batches fill) and then for {@code measure}. Answers are counted
     * from the end of the warm-up or the first answer, whichever is later, so that a slow first batch
     * does not count as idle time; one loop across both keeps the pipeline full when counting starts.
     */
    ClosedLoop closedLoop(String prefix, int clients, Duration warmup, Duration measure) throws InterruptedException {
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        ConcurrentLinkedQueue<Long> answeredAt = new ConcurrentLinkedQueue<>();
        long warm = System.nanoTime() + warmup.toNanos();
        long end = warm + measure.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end) {
                    String id = nextId(prefix);
                    try {
                        HttpResponse<String> posted = client.send(post(id), HttpResponse.BodyHandlers.ofString());
                        if (posted.statusCode() == 429) {
                            refusedTotal.incrementAndGet();
                            long left = Math.max(0, end - System.nanoTime());
                            TimeUnit.NANOSECONDS.sleep(Math.min(left,
                                    TimeUnit.SECONDS.toNanos(retryAfter(posted).orElse(1L))));
                            continue;
                        }
                        if (posted.statusCode() != 202) {
                            throw new IllegalStateException("POST answered " + posted.statusCode() + ": " + posted.body());
                        }
                        acceptedTotal.incrementAndGet();
                        accepted.add(id);
                        HttpResponse<String> result = client.send(HttpRequest.newBuilder(
                                base.resolve("/v1/requests/" + id + "?wait=60")).timeout(Duration.ofSeconds(70))
                                .GET().build(), HttpResponse.BodyHandlers.ofString());
                        if (result.statusCode() == 200) {
                            answeredAt.add(System.nanoTime());
                        }
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        throw new IllegalStateException("closed-loop client failed on " + id, e);
                    }
                }
            }, "closed-loop-" + c);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        long first = answeredAt.stream().mapToLong(Long::longValue).min().orElse(end);
        long from = Math.max(warm, first);
        long counted = answeredAt.stream().filter(at -> at >= from && at < end).count();
        return new ClosedLoop(accepted, from >= end ? 0 : counted / ((end - from) / 1e9), (end - from) / 1e9);
    }

    /** The ids accepted, and the answers per second over the counted window of {@code seconds}. */
    record ClosedLoop(Set<String> accepted, double answersPerSecond, double seconds) {}

    /**
     * Posts at {@code rate} per second for {@code duration}, never waiting for an answer. At most
     * {@code maxInFlight} posts are outstanding; a send that would exceed it is skipped and counted,
     * so that a service that stops answering shows up as a lower offered rate, not as a stalled clock.
     */
    Outcome openLoop(String prefix, double rate, Duration duration, int maxInFlight) throws InterruptedException {
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        Set<String> refused = ConcurrentHashMap.newKeySet();
        Map<String, Long> sent = new ConcurrentHashMap<>();
        Map<Integer, Long> others = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Double> acceptedMs = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Double> refusedMs = new ConcurrentLinkedQueue<>();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        AtomicLong retryAfterBad = new AtomicLong();
        ConcurrentLinkedQueue<Double> retryAfters = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Double> backlogs = new ConcurrentLinkedQueue<>();
        AtomicLong wrongCode = new AtomicLong();
        Semaphore inFlight = new Semaphore(maxInFlight);
        long attempted = 0;
        long skipped = 0;
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        double interval = 1e9 / rate;
        for (long i = 0; ; i++) {
            long at = start + (long) (i * interval);
            if (at >= end) {
                break;
            }
            LockSupport.parkNanos(at - System.nanoTime());
            attempted++;
            if (!inFlight.tryAcquire()) {
                skipped++;
                continue;
            }
            String id = nextId(prefix);
            long t0 = System.nanoTime();
            sent.put(id, t0);
            client.sendAsync(post(id), HttpResponse.BodyHandlers.ofString()).whenComplete((r, failure) -> {
                try {
                    double ms = (System.nanoTime() - t0) / 1e6;
                    if (failure != null) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, failure.toString());
                    } else if (r.statusCode() == 202) {
                        acceptedTotal.incrementAndGet();
                        accepted.add(id);
                        acceptedMs.add(ms);
                    } else if (r.statusCode() == 429) {
                        refusedTotal.incrementAndGet();
                        refused.add(id);
                        refusedMs.add(ms);
                        Optional<Long> seconds = retryAfter(r);
                        if (seconds.isEmpty() || seconds.get() < 1 || seconds.get() > 60) {
                            retryAfterBad.incrementAndGet();
                        } else {
                            retryAfters.add(seconds.get().doubleValue());
                        }
                        Matcher behind = BEHIND.matcher(r.body());
                        if (behind.find()) {
                            backlogs.add(Double.parseDouble(behind.group(1)));
                        }
                        if (!r.body().contains("\"code\":\"backlog_full\"")) {
                            wrongCode.incrementAndGet();
                        }
                    } else {
                        others.merge(r.statusCode(), 1L, Long::sum);
                        firstError.compareAndSet(null, "HTTP " + r.statusCode() + ": " + r.body());
                    }
                } finally {
                    inFlight.release();
                }
            });
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // the posts still under way belong to this phase
        if (!inFlight.tryAcquire(maxInFlight, POST_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS)) {
            firstError.compareAndSet(null, "posts still unanswered " + POST_TIMEOUT.toSeconds() + " s after the phase");
        }
        return new Outcome(seconds, attempted, skipped, Set.copyOf(accepted), Set.copyOf(refused), Map.copyOf(sent),
                Map.copyOf(others), errors.get(), firstError.get(), retryAfterBad.get(), List.copyOf(retryAfters),
                List.copyOf(backlogs), wrongCode.get(),
                List.copyOf(acceptedMs), List.copyOf(refusedMs));
    }

    private HttpRequest post(String id) {
        return HttpRequest.newBuilder(base.resolve("/v1/requests")).timeout(POST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(requests.body(id))).build();
    }

    private String nextId(String prefix) {
        return prefix + "-" + sequence.incrementAndGet();
    }

    /** Retry-After as a whole number of seconds; empty when absent or not a number. */
    private static Optional<Long> retryAfter(HttpResponse<?> r) {
        return r.headers().firstValue("Retry-After").flatMap(v -> {
            try {
                return Optional.of(Long.parseLong(v.trim()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public void close() {
        callbacks.shutdownNow();
    }
}
