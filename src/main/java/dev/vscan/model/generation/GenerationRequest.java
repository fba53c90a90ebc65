package dev.vscan.model.generation;

import dev.vscan.model.extension.ScoredTokenReducer;
import dev.vscan.model.extension.SequencePruner;
import dev.vscan.model.extension.VisualPositions;
import dev.vscan.model.extension.VisualTokenReducer;
import dev.vscan.model.image.ModelImage;
import java.util.List;

/**
 * One prompt for the generator.
 *
 * @param promptIds token ids with exactly one image token per image (the engine expands it to that
 *                  image's visual tokens)
 * @param images    preprocessed images in the order their placeholders appear, in the form the model's
 *                  family takes ({@code PixelValues} for LLaVA-1.5, {@code AnyResImage} for LLaVA-NeXT)
 * @param reducer   stage-1 method applied to each image of this request on a tower with [CLS] (LLaVA)
 * @param pruner    stage-2 method applied to this request's sequence
 * @param positions where stage 1's kept tokens sit: {@link VisualPositions#ORIGINAL} places each at its
 *                  patch's position in the unreduced prompt; the pruner decides the same for stage 2
 * @param scoredReducer stage-1 method on a tower without [CLS] (Qwen2.5-VL), which scores by attention
 *                  received; {@link ScoredTokenReducer#NONE} elsewhere
 */
public record GenerationRequest(long[] promptIds, List<? extends ModelImage> images, SamplingParams sampling,
        VisualTokenReducer reducer, SequencePruner pruner, VisualPositions positions,
        ScoredTokenReducer scoredReducer) {

    public GenerationRequest {
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("prompt has no tokens");
        }
        if (positions == null) {
            throw new IllegalArgumentException("visual positions are missing; use VisualPositions.REFERENCE for the default");
        }
        if (reducer != VisualTokenReducer.NONE && scoredReducer != ScoredTokenReducer.NONE) {
            throw new IllegalArgumentException("a request has one stage-1 method: a [CLS] reducer or a scored one");
        }
        promptIds = promptIds.clone();
        images = List.copyOf(images);
    }

    /** A request for a tower with [CLS]. */
    public GenerationRequest(long[] promptIds, List<? extends ModelImage> images, SamplingParams sampling,
            VisualTokenReducer reducer, SequencePruner pruner, VisualPositions positions) {
        this(promptIds, images, sampling, reducer, pruner, positions, ScoredTokenReducer.NONE);
    }

    /** A request for a tower without [CLS] (Qwen2.5-VL), whose kept tokens keep their M-RoPE ids. */
    public static GenerationRequest scored(long[] promptIds, List<? extends ModelImage> images,
            SamplingParams sampling, ScoredTokenReducer reducer, SequencePruner pruner) {
        return new GenerationRequest(promptIds, images, sampling, VisualTokenReducer.NONE, pruner,
                VisualPositions.ORIGINAL, reducer);
    }

    /** A request whose kept tokens follow each method's published convention. */
    public GenerationRequest(long[] promptIds, List<? extends ModelImage> images, SamplingParams sampling,
            VisualTokenReducer reducer, SequencePruner pruner) {
        this(promptIds, images, sampling, reducer, pruner, VisualPositions.REFERENCE);
    }

    /** A request that keeps every visual token. */
    public static GenerationRequest plain(long[] promptIds, List<? extends ModelImage> images, SamplingParams sampling) {
        return new GenerationRequest(promptIds, images, sampling, VisualTokenReducer.NONE, SequencePruner.NONE);
    }
}
