package dev.vscan.model.generation;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import ai.djl.util.cuda.CudaUtils;
import dev.vscan.model.config.TextConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;

/**
 * Default admission limits for a running batch on a device: how many sequences may decode at once
 * and how many KV cache tokens they may hold together. The token budget is the memory left for caches
 * (a share of the device's memory, less the weights) divided by one token's keys and values over all
 * layers; VScan's smaller prompts fit more sequences into the same budget.
 */
public record KvBudget(int maxRunning, long kvTokens) {

    /** Share of a GPU's memory the caches may take (the rest: weights, activations, the allocator). */
    static final double GPU_SHARE = 0.8;
    /** Share of the machine's RAM the caches of all workers may take on a CPU. */
    static final double CPU_SHARE = 0.4;

    /** @param workers running sets that share this device's memory */
    public static KvBudget defaults(TextConfig text, DataType dtype, Device device, long weightBytes, int workers) {
        int maxRunning = device.isGpu() ? 64 : 16;
        long memory = device.isGpu() ? gpuMemory(device) : physicalMemory();
        double share = device.isGpu() ? GPU_SHARE : CPU_SHARE;
        long forCaches = Math.max(0, (long) (memory * share) - weightBytes) / Math.max(1, workers);
        long perToken = bytesPerToken(text, dtype);
        long longest = (long) maxRunning * text.maxPositionEmbeddings();
        return new KvBudget(maxRunning, Math.max(1, Math.min(longest, forCaches / perToken)));
    }

    /** Keys and values of one token over every decoder layer. */
    public static long bytesPerToken(TextConfig text, DataType dtype) {
        return 2L * text.numHiddenLayers() * text.numKeyValueHeads() * text.headDim() * dtype.getNumOfBytes();
    }

    private static long gpuMemory(Device device) {
        MemoryUsage usage = CudaUtils.getGpuMemory(device);
        return usage.getMax() > 0 ? usage.getMax() : usage.getCommitted();
    }

    private static long physicalMemory() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean bean) {
            return bean.getTotalMemorySize();
        }
        return Runtime.getRuntime().maxMemory() * 4;
    }
}
