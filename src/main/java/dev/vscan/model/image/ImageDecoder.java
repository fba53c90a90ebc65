package dev.vscan.model.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes untrusted PNG, JPEG, BMP or GIF bytes with ImageIO. The byte limit is checked before anything
 * is read and the pixel limit from the header, before the raster is allocated; any decoding failure,
 * including a truncated file that ImageIO only warns about, becomes an {@link InvalidImageException}.
 */
public final class ImageDecoder {

    /** ImageIO format names accepted; ImageIO also knows TIFF and WBMP, which requests do not need. */
    private static final Set<String> SUPPORTED = Set.of("png", "jpeg", "bmp", "gif");

    /**
     * The provider ImageIO would pick for each supported format, looked up once: probing every
     * registered reader per image cost more than decoding a small PNG's header.
     */
    private static final Map<String, ImageReaderSpi> PROVIDERS = providers();

    private final ImageLimits limits;

    public ImageDecoder(ImageLimits limits) {
        if (limits == null) {
            throw new IllegalArgumentException("image limits are required; use ImageLimits.defaults()");
        }
        this.limits = limits;
    }

    public ImageLimits limits() {
        return limits;
    }

    /** Decodes the first image (first frame of a GIF) and converts it to {@link BufferedImage#TYPE_INT_RGB}. */
    public BufferedImage decode(byte[] bytes) {
        return RgbConversion.toRgb(decodeAsStored(bytes));
    }

    /** Decodes the first image in its stored colour model (gray, palette, with alpha...), under the limits. */
    public BufferedImage decodeAsStored(byte[] bytes) {
        checkBytes(bytes);
        try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = readerFor(bytes, input);
            try {
                return read(reader, input);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw corrupt("could not be read: " + e.getMessage(), e);
        }
    }

    private void checkBytes(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidImageException(InvalidImageException.Reason.EMPTY, "image is empty (0 bytes)");
        }
        if (bytes.length > limits.maxBytes()) {
            throw new InvalidImageException(InvalidImageException.Reason.TOO_MANY_BYTES, "image is "
                    + bytes.length + " bytes; the limit is " + limits.maxBytes() + " bytes");
        }
    }

    /**
     * The reader of the format the magic bytes name, once its provider agrees it can decode them;
     * anything else goes through ImageIO's full probe, which also words the refusals.
     */
    private static ImageReader readerFor(byte[] bytes, ImageInputStream input) {
        ImageReaderSpi provider = PROVIDERS.get(formatFromMagic(bytes));
        if (provider != null) {
            try {
                if (provider.canDecodeInput(input)) {
                    return provider.createReaderInstance();
                }
            } catch (IOException e) {
                // Left to the full probe, which treats a failing provider as not matching.
            }
        }
        return supportedReader(input);
    }

    static String formatFromMagic(byte[] b) {
        if (startsWith(b, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return "png";
        }
        if (startsWith(b, 0xFF, 0xD8, 0xFF)) {
            return "jpeg";
        }
        if (startsWith(b, 'G', 'I', 'F', '8')) {
            return "gif";
        }
        if (startsWith(b, 'B', 'M')) {
            return "bmp";
        }
        return "";
    }

    private static boolean startsWith(byte[] bytes, int... magic) {
        if (bytes.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((bytes[i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, ImageReaderSpi> providers() {
        Map<String, ImageReaderSpi> out = new HashMap<>();
        for (String format : SUPPORTED) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
            if (readers.hasNext()) {
                ImageReader reader = readers.next();
                if (reader.getOriginatingProvider() != null) {
                    out.put(format, reader.getOriginatingProvider());
                }
                reader.dispose();
            }
        }
        return Map.copyOf(out);
    }

    private static ImageReader supportedReader(ImageInputStream input) {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
        List<String> otherFormats = new ArrayList<>();
        while (readers.hasNext()) {
            ImageReader reader = readers.next();
            String format = formatOf(reader);
            if (SUPPORTED.contains(format)) {
                return reader;
            }
            otherFormats.add(format);
            reader.dispose();
        }
        String detected = otherFormats.isEmpty() ? "an unrecognised format" : "format " + otherFormats.get(0);
        throw new InvalidImageException(InvalidImageException.Reason.UNSUPPORTED_FORMAT,
                "image is in " + detected + "; send PNG, JPEG, BMP or GIF");
    }

    private static String formatOf(ImageReader reader) {
        try {
            return reader.getFormatName().toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            return "unknown";
        }
    }

    private BufferedImage read(ImageReader reader, ImageInputStream input) {
        String format = formatOf(reader).toUpperCase(Locale.ROOT);
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        reader.setInput(input, true, true);
        BufferedImage image;
        try {
            checkPixels(reader.getWidth(0), reader.getHeight(0));
            image = reader.read(0);
        } catch (InvalidImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw corrupt("(" + format + ") could not be decoded: " + e.getMessage(), e);
        }
        if (image == null) {
            throw corrupt("(" + format + ") decoded to nothing", null);
        }
        // The JPEG reader fills a truncated file with grey and only warns; PIL refuses such files.
        if (!warnings.isEmpty()) {
            throw corrupt("(" + format + ") is damaged: " + String.join("; ", warnings), null);
        }
        return image;
    }

    private void checkPixels(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw corrupt("declares an empty size " + width + "x" + height, null);
        }
        long pixels = (long) width * height;
        if (pixels > limits.maxPixels()) {
            throw new InvalidImageException(InvalidImageException.Reason.TOO_MANY_PIXELS, "image is " + width
                    + "x" + height + " = " + pixels + " pixels; the limit is " + limits.maxPixels());
        }
    }

    private static InvalidImageException corrupt(String what, Throwable cause) {
        return new InvalidImageException(InvalidImageException.Reason.CORRUPT, "image " + what, cause);
    }
}
