package dev.vscan.model;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;

/**
 * Where and in which precision the model runs. Float32 on CPU (libtorch's CPU kernels gain nothing
 * from float16); float16 is the usual choice on a GPU.
 */
public record EngineOptions(Device device, DataType dtype) {

    public EngineOptions {
        if (dtype != DataType.FLOAT32 && dtype != DataType.FLOAT16) {
            throw new IllegalArgumentException("dtype must be float32 or float16, got " + dtype);
        }
        if (dtype == DataType.FLOAT16 && !device.isGpu()) {
            throw new IllegalArgumentException("float16 is only supported on a GPU; use float32 on " + device);
        }
    }

    public static EngineOptions cpu() {
        return new EngineOptions(Device.cpu(), DataType.FLOAT32);
    }

    /** Parses "cpu", "gpu" or "gpu:N" with the default dtype for that device. */
    public static EngineOptions parse(String device) {
        if (device == null || device.isBlank() || device.equals("cpu")) {
            return cpu();
        }
        if (device.startsWith("gpu") || device.startsWith("cuda")) {
            int colon = device.indexOf(':');
            int id = colon < 0 ? 0 : Integer.parseInt(device.substring(colon + 1));
            return new EngineOptions(Device.gpu(id), DataType.FLOAT16);
        }
        throw new IllegalArgumentException("device must be cpu, gpu or gpu:N, got '" + device + "'");
    }
}
