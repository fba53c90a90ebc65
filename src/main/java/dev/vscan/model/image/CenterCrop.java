package dev.vscan.model.image;

/**
 * Hugging Face's {@code center_crop} on channel-interleaved 8-bit samples: the window starts at
 * {@code (size - crop) / 2} (floor), and an image smaller than the crop is first padded with zeros,
 * placing it at {@code ceil((crop - size) / 2)}.
 */
public final class CenterCrop {

    private CenterCrop() {
    }

    /**
     * @param hwc samples {@code [(y * width + x) * channels + c]}
     * @return samples of size cropHeight * cropWidth * channels in the same layout; {@code hwc} itself when
     *         the crop equals the image
     */
    public static int[] crop(int[] hwc, int width, int height, int channels, int cropHeight, int cropWidth) {
        if (cropHeight <= 0 || cropWidth <= 0) {
            throw new IllegalArgumentException("crop size must be positive, got " + cropHeight + "x" + cropWidth);
        }
        if (hwc.length != (long) width * height * channels) {
            throw new IllegalArgumentException("expected " + (long) width * height * channels + " samples for "
                    + width + "x" + height + "x" + channels + ", got " + hwc.length);
        }
        if (cropHeight == height && cropWidth == width) {
            return hwc; // the window is the whole image; callers only read the result
        }
        int top = offset(height, cropHeight);
        int left = offset(width, cropWidth);
        // Columns of the source that fall inside the window are the same for every row.
        int fromX = Math.max(0, left);
        int toX = Math.min(width, left + cropWidth);
        int[] out = new int[cropHeight * cropWidth * channels];
        if (fromX >= toX) {
            return out;
        }
        int run = (toX - fromX) * channels;
        for (int y = 0; y < cropHeight; y++) {
            int sy = y + top;
            if (sy < 0 || sy >= height) {
                continue; // zero padding
            }
            System.arraycopy(hwc, (sy * width + fromX) * channels, out, (y * cropWidth + fromX - left) * channels,
                    run);
        }
        return out;
    }

    /**
     * Source index of the crop's first row (or column). When the image is larger this is
     * floor((size - crop) / 2); when smaller it is minus the padding ceil((crop - size) / 2).
     */
    static int offset(int size, int crop) {
        return size >= crop ? (size - crop) / 2 : -((crop - size + 1) / 2);
    }
}
