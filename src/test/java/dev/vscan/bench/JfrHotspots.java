package dev.vscan.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where JFR recordings of the service spent their CPU samples, as markdown: by thread, by method of
 * ours (dev.vscan.*, counted when anywhere on the stack), and for the innermost method of ours, which
 * library ran at the top of the stack. Every Java sample counts (the thread was running Java code); a
 * native sample counts only under our code (a JNI call such as the tokenizer's), since the other native
 * samples are mostly network threads waiting in epoll. A thread parked on a queue is in neither.
 * Then the bytes each thread allocated over the recording and the time the collector paused the JVM.
 *
 * <p>Arguments: {@code FILE.jfr [FILE.jfr...] [--top 25]}; several recordings add up.
 */
public final class JfrHotspots {

    private static final String OURS = "dev.vscan.";

    private final Map<String, Integer> byThread = new HashMap<>();
    private final Map<String, Integer> inclusive = new HashMap<>();
    private final Map<String, Integer> innermost = new HashMap<>();
    private final Map<String, Integer> innermostByLibrary = new HashMap<>();
    private final Map<String, Long> allocatedBytes = new HashMap<>();
    private int samples;
    private int nativeSamples;
    private int withOurCode;
    private int truncated;
    private int collections;
    private Duration paused = Duration.ZERO;
    private Duration sampled = Duration.ZERO;

    private JfrHotspots() {}

    public static void main(String[] args) throws IOException {
        int top = Integer.parseInt(BenchOptions.option(args, "--top", "25"));
        JfrHotspots tally = new JfrHotspots();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                i++;
            } else {
                tally.read(Path.of(args[i]));
            }
        }
        tally.print(top);
    }

    private void read(Path file) throws IOException {
        // Per thread id, the allocation counter's lowest and highest value: it only grows.
        Map<Long, long[]> counters = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        Instant first = null;
        Instant last = null;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            switch (event.getEventType().getName()) {
                case "jdk.ExecutionSample", "jdk.NativeMethodSample" -> {
                    sample(event);
                    // Samples span the recording; other events may carry older times (the JVM's start).
                    first = first == null || event.getStartTime().isBefore(first) ? event.getStartTime() : first;
                    last = last == null || event.getStartTime().isAfter(last) ? event.getStartTime() : last;
                }
                case "jdk.GarbageCollection" -> {
                    collections++;
                    paused = paused.plus(event.getDuration("sumOfPauses"));
                }
                case "jdk.ThreadAllocationStatistics" -> {
                    RecordedThread thread = event.getThread("thread");
                    if (thread != null) {
                        long bytes = event.getLong("allocated");
                        names.put(thread.getId(), groupName(thread.getJavaName()));
                        counters.merge(thread.getId(), new long[] {bytes, bytes},
                                (seen, now) -> new long[] {Math.min(seen[0], now[0]), Math.max(seen[1], now[1])});
                    }
                }
                default -> { }
            }
        }
        counters.forEach((id, range) -> allocatedBytes.merge(names.get(id), range[1] - range[0], Long::sum));
        if (first != null) {
            sampled = sampled.plus(Duration.between(first, last));
        }
    }

    private void sample(RecordedEvent event) {
        boolean isNative = event.getEventType().getName().equals("jdk.NativeMethodSample");
        RecordedStackTrace stack = event.getStackTrace();
        if (stack == null || isNative && !underOurCode(stack.getFrames())) {
            return;
        }
        samples++;
        nativeSamples += isNative ? 1 : 0;
        truncated += stack.isTruncated() ? 1 : 0;
        RecordedThread thread = event.getThread("sampledThread");
        byThread.merge(groupName(thread == null ? null : thread.getJavaName()), 1, Integer::sum);
        List<RecordedFrame> frames = stack.getFrames();
        Set<String> seen = new HashSet<>();
        String inner = null;
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            if (type.startsWith(OURS)) {
                String method = type.substring(OURS.length()) + "." + frame.getMethod().getName();
                inner = inner == null ? method : inner;
                if (seen.add(method)) {
                    inclusive.merge(method, 1, Integer::sum);
                }
            }
        }
        if (inner != null) {
            withOurCode++;
            innermost.merge(inner, 1, Integer::sum);
            innermostByLibrary.merge(inner + " -> " + library(frames.get(0).getMethod().getType().getName()), 1,
                    Integer::sum);
        }
    }

    private void print(int top) {
        System.out.printf(Locale.ROOT, "%d samples (%d of them native under our code), %d with our code on the stack"
                + " (%.1f%%), %d stacks truncated%n", samples, nativeSamples, withOurCode, percent(withOurCode, samples),
                truncated);
        print("thread (digits as #)", byThread, samples, top);
        print("our method, anywhere on the stack", inclusive, samples, top);
        print("innermost method of ours", innermost, samples, top);
        print("innermost method of ours -> package at the top of the stack", innermostByLibrary, samples, top);

        Map<String, Integer> megabytes = new HashMap<>();
        allocatedBytes.forEach((thread, bytes) -> megabytes.put(thread, (int) (bytes >> 20)));
        int total = megabytes.values().stream().mapToInt(Integer::intValue).sum();
        System.out.printf(Locale.ROOT, "%nAllocated: %d MB; %d collections paused the JVM for %d ms in %.1f s of"
                + " samples%n", total, collections, paused.toMillis(), sampled.toMillis() / 1e3);
        print("thread (digits as #), MB allocated", megabytes, total, top);
    }

    private static boolean underOurCode(List<RecordedFrame> frames) {
        return frames.stream().anyMatch(f -> f.getMethod().getType().getName().startsWith(OURS));
    }

    /** Threads of one pool under one name: their numbers become #. */
    private static String groupName(String threadName) {
        return threadName == null ? "?" : threadName.replaceAll("[0-9]+", "#");
    }

    /** The first three parts of a class's package: enough to tell Jackson from networknt from ImageIO. */
    private static String library(String className) {
        List<String> parts = new ArrayList<>(List.of(className.split("\\.")));
        int keep = Math.min(parts.size() - 1, 3);
        return keep <= 0 ? className : String.join(".", parts.subList(0, keep));
    }

    private static void print(String what, Map<String, Integer> counts, int whole, int top) {
        System.out.printf("%n| %s | count | share of all |%n|---|---|---|%n", what);
        counts.entrySet().stream()
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(top)
                .forEach(e -> System.out.printf(Locale.ROOT, "| %s | %d | %.1f%% |%n", e.getKey(), e.getValue(),
                        percent(e.getValue(), whole)));
    }

    private static double percent(int part, int whole) {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }
}
