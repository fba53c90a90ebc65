package dev.vscan.model.image;

/**
 * A preprocessed image as the vision tower expects it: float32 values in channel-major (CHW) order,
 * so {@code data[(c * height + y) * width + x]} is channel c of pixel (x, y).
 */
public record PixelValues(int channels, int height, int width, float[] data) implements ModelImage {

    public PixelValues {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("pixel values need positive dimensions, got channels=" + channels
                    + " height=" + height + " width=" + width);
        }
        if (data == null) {
            throw new IllegalArgumentException("pixel values data is null");
        }
        long expected = (long) channels * height * width;
        if (data.length != expected) {
            throw new IllegalArgumentException("pixel values data has " + data.length + " floats but shape ["
                    + channels + "," + height + "," + width + "] needs " + expected);
        }
    }

    /** Value of channel {@code c} at column {@code x}, row {@code y}. */
    public float get(int c, int y, int x) {
        return data[(c * height + y) * width + x];
    }

    /** Shape as [channels, height, width], the layout of a PyTorch pixel_values tensor without batch. */
    public long[] shape() {
        return new long[] {channels, height, width};
    }
}
