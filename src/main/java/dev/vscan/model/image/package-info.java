/**
 * Image decoding and CLIP-style preprocessing: bytes are decoded with ImageIO under size limits, converted
 * to RGB, resized with a Pillow-exact bicubic filter, center-cropped, rescaled and normalised into CHW floats.
 * Plain Java: imports only the JDK (java.awt.image, javax.imageio); no Quarkus, Kafka, CDI or DJL types.
 */
package dev.vscan.model.image;
