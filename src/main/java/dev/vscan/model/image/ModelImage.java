package dev.vscan.model.image;

/**
 * One preprocessed image of a request, in the form its model family takes: a single crop for
 * LLaVA-1.5, the base crop and tiles for LLaVA-NeXT, merge-ordered patch rows for Qwen2.5-VL.
 */
public sealed interface ModelImage permits PixelValues, AnyResImage, QwenImage {}
