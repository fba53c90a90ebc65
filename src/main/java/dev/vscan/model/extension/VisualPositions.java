package dev.vscan.model.extension;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which rotary positions the visual tokens that survive a reduction carry.
 *
 * <p>Dropping tokens leaves a choice: close the gaps, so the kept tokens sit on consecutive positions
 * (what VScan's, PyramidDrop's and VisionZip's published code do), or let every kept token keep the
 * position it has in the unreduced prompt (what FastV's code does). The second keeps each patch's place
 * in the raster readable to a decoder that learned it from positions.
 */
public enum VisualPositions {

    /** Each method as its published code does it: consecutive positions, except FastV, which keeps them. */
    REFERENCE,

    /**
     * Every visual token keeps the position it has without reduction, through both stages; text after
     * an image continues where it would with all of the image's tokens. A token that stands for merged
     * patches takes the position of the patch it was merged into.
     */
    ORIGINAL;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name ("reference", "original"), naming the valid ones when it is neither. */
    public static VisualPositions parse(String name) {
        for (VisualPositions p : values()) {
            if (p.wireName().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("positions '" + name + "' is not one of "
                + Arrays.stream(values()).map(VisualPositions::wireName).collect(Collectors.joining(", ")));
    }
}
