package dev.vscan.model.image;

import java.awt.image.BufferedImage;

/** Turns an image into the form its model family takes; refusals are {@link InvalidImageException}s. */
public interface ImagePreparer {

    /** Decodes under the limits, then prepares. */
    ModelImage prepare(byte[] encoded);

    ModelImage prepare(BufferedImage image);
}
