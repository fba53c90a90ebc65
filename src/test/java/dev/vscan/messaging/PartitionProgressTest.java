package dev.vscan.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What a transaction commits for a partition, and what a restarted worker makes of it. */
class PartitionProgressTest {

    @Test
    void inOrderAnswersMoveTheOffsetAndLeaveNothingAhead() {
        PartitionProgress p = PartitionProgress.resumedAt(10, null);
        p.received(10);
        p.received(11);
        p.answered(10);
        p.answered(11);
        assertEquals(12, p.commitOffset());
        assertEquals("vscan1:", p.metadata());
    }

    @Test
    void answersAheadOfARunningRequestAreListedAsRunsAndSkippedAfterARestart() {
        PartitionProgress p = PartitionProgress.resumedAt(100, null);
        for (long o = 100; o <= 106; o++) {
            p.received(o);
        }
        // 100 still runs; 101-104 and 106 are answered, 105 runs too
        for (long o : new long[] {101, 102, 103, 104, 106}) {
            p.answered(o);
        }
        assertEquals(100, p.commitOffset());
        assertEquals("vscan1:1-4,6", p.metadata());
        assertEquals(2, p.runs());

        PartitionProgress restarted = PartitionProgress.resumedAt(p.commitOffset(), p.metadata());
        assertFalse(restarted.answeredBefore(100));
        assertTrue(restarted.answeredBefore(101));
        assertTrue(restarted.answeredBefore(104));
        assertFalse(restarted.answeredBefore(105));
        assertTrue(restarted.answeredBefore(106));
    }

    @Test
    void skippedRecordsStayAnsweredUntilTheOffsetPassesThem() {
        PartitionProgress p = PartitionProgress.resumedAt(100, "vscan1:1-2");
        p.received(100);
        p.skipped(101);
        p.skipped(102);
        p.received(103);
        assertEquals(100, p.commitOffset());
        assertEquals("vscan1:1-2", p.metadata(), "a crash now must still skip 101 and 102");
        p.answered(100);
        assertEquals(103, p.commitOffset());
        assertEquals("vscan1:", p.metadata());
        p.answered(103);
        assertEquals(104, p.commitOffset());
    }

    @Test
    void gapsInOffsetsFromTransactionMarkersDoNotHoldTheOffsetBack() {
        PartitionProgress p = PartitionProgress.resumedAt(0, null);
        p.received(0);
        p.received(5); // 1..4 were markers or compacted away
        p.answered(5);
        assertEquals(0, p.commitOffset());
        assertEquals("vscan1:5", p.metadata());
        p.answered(0);
        assertEquals(6, p.commitOffset());
    }

    @Test
    void aCopyIsWhatAFailedTransactionGoesBackTo() {
        PartitionProgress p = PartitionProgress.resumedAt(0, null);
        p.received(0);
        p.received(1);
        PartitionProgress before = p.copy();
        p.answered(1);
        assertEquals("vscan1:1", p.metadata());
        assertEquals("vscan1:", before.metadata());
        assertEquals(2, before.inFlight());
    }

    @Test
    void metadataOfAnotherToolIsReadAsNothingAhead() {
        PartitionProgress p = PartitionProgress.resumedAt(7, "some other tool's note");
        assertFalse(p.answeredBefore(8));
        assertEquals(7, p.commitOffset());
    }
}
