package dev.vscan.model;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's memory. libtorch keeps no statistics of its own for CPU memory; its CPU allocator
 * takes memory from glibc's malloc, so malloc's bytes in use ({@code mallinfo2}: heap chunks in use
 * plus mmapped chunks) are the native allocator's statistics, free of the JVM heap's own growth. The
 * resident set and its peak are what the operating system sees.
 */
public final class ProcessMemory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMemory() {}

    /** glibc's struct mallinfo2: ten size_t fields. */
    @Structure.FieldOrder({"arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
            "fordblks", "keepcost"})
    public static final class MallInfo2 extends Structure implements Structure.ByValue {
        public long arena;
        public long ordblks;
        public long smblks;
        public long hblks;
        public long hblkhd;
        public long usmblks;
        public long fsmblks;
        public long uordblks;
        public long fordblks;
        public long keepcost;
    }

    private interface Glibc extends Library {
        MallInfo2 mallinfo2();
    }

    private static final class Holder {
        static final Glibc C = load();

        private static Glibc load() {
            try {
                return Native.load("c", Glibc.class);
            } catch (UnsatisfiedLinkError e) {
                return null;
            }
        }
    }

    /** Whether both the malloc statistics (glibc 2.33 or later) and /proc/self/status can be read. */
    public static boolean available() {
        if (!Files.isReadable(STATUS) || Holder.C == null) {
            return false;
        }
        try {
            Holder.C.mallinfo2();
            return true;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }

    /** Bytes malloc has handed out and not had back: libtorch's CPU tensors among them. */
    public static long nativeBytesInUse() {
        MallInfo2 info = Holder.C.mallinfo2();
        return info.uordblks + info.hblkhd;
    }

    /** Resident set size in bytes (VmRSS). */
    public static long residentBytes() {
        return field("VmRSS:");
    }

    /** Peak resident set size in bytes (VmHWM). */
    public static long peakResidentBytes() {
        return field("VmHWM:");
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException(name + " is missing from " + STATUS);
    }
}
