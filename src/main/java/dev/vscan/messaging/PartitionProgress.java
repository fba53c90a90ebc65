package dev.vscan.messaging;

import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * What is answered in one request partition, in the form a transaction commits it: the offset to resume
 * from (the first record not answered yet) and, in the commit's metadata, the records after it that are
 * answered already. Answers finish out of order (a short request overtakes a long one), so the plain
 * offset alone would make a restarted worker answer those again; with the metadata it skips them.
 *
 * <p>Offsets are tracked as they arrive, not counted: transaction markers and compaction leave gaps.
 */
final class PartitionProgress {

    /** The metadata's format tag; anything else (another tool's commit) is read as "nothing ahead". */
    private static final String FORMAT = "vscan1:";

    private final NavigableSet<Long> pending = new TreeSet<>();
    private final NavigableSet<Long> answeredAhead = new TreeSet<>();
    private long next;

    private PartitionProgress(long next) {
        this.next = next;
    }

    /**
     * The progress a commit left: resume at {@code offset}, skipping what the metadata lists.
     *
     * @param offset   the committed offset, or the consumer's position when nothing was committed
     * @param metadata the commit's metadata, or null
     */
    static PartitionProgress resumedAt(long offset, String metadata) {
        PartitionProgress p = new PartitionProgress(offset);
        if (metadata != null && metadata.startsWith(FORMAT) && metadata.length() > FORMAT.length()) {
            for (String run : metadata.substring(FORMAT.length()).split(",")) {
                int dash = run.indexOf('-');
                long from = Long.parseLong(dash < 0 ? run : run.substring(0, dash));
                long to = dash < 0 ? from : Long.parseLong(run.substring(dash + 1));
                for (long d = from; d <= to; d++) {
                    p.answeredAhead.add(offset + d);
                }
            }
        }
        return p;
    }

    /** An independent copy, to go back to when a transaction fails. */
    PartitionProgress copy() {
        PartitionProgress c = new PartitionProgress(next);
        c.pending.addAll(pending);
        c.answeredAhead.addAll(answeredAhead);
        return c;
    }

    /** True when a record at this offset was answered before the last restart (skip it). */
    boolean answeredBefore(long offset) {
        return answeredAhead.contains(offset);
    }

    /** A record handed to the core, to be answered. */
    void received(long offset) {
        pending.add(offset);
        next = Math.max(next, offset + 1);
    }

    /** A record skipped as answered before: it stays answered in what the next commit says. */
    void skipped(long offset) {
        next = Math.max(next, offset + 1);
    }

    /** Its answer is in the transaction being committed. */
    void answered(long offset) {
        if (pending.remove(offset)) {
            answeredAhead.add(offset);
        }
    }

    int inFlight() {
        return pending.size();
    }

    /** Where a consumer resumes: the first record without an answer, else after the last one seen. */
    long commitOffset() {
        return pending.isEmpty() ? next : pending.first();
    }

    /**
     * The answered records after {@link #commitOffset()}, as runs of deltas from it ({@code 2-40,43}); forgets
     * those before it. A run of records answered while an older one still runs takes one entry, so the text
     * stays far below the broker's metadata limit (offset.metadata.max.bytes, 4 KiB by default) unless
     * answers come back in a scattered order; {@link #runs()} tells the processor when to hold back.
     */
    String metadata() {
        long at = commitOffset();
        answeredAhead.headSet(at, false).clear();
        StringBuilder out = new StringBuilder(FORMAT);
        Long runStart = null;
        long previous = -2;
        for (long offset : answeredAhead) {
            if (runStart != null && offset == previous + 1) {
                previous = offset;
                continue;
            }
            appendRun(out, runStart, previous, at);
            runStart = offset;
            previous = offset;
        }
        appendRun(out, runStart, previous, at);
        return out.toString();
    }

    /** Runs the metadata would hold now. */
    int runs() {
        int runs = 0;
        long previous = Long.MIN_VALUE;
        for (long offset : answeredAhead) {
            if (offset != previous + 1) {
                runs++;
            }
            previous = offset;
        }
        return runs;
    }

    private static void appendRun(StringBuilder out, Long from, long to, long base) {
        if (from == null) {
            return;
        }
        if (out.length() > FORMAT.length()) {
            out.append(',');
        }
        out.append(from - base);
        if (to > from) {
            out.append('-').append(to - base);
        }
    }
}
