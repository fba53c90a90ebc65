package dev.vscan.training;

import ai.djl.ndarray.NDArray;
import dev.vscan.model.weights.CheckpointLayout;
import dev.vscan.model.weights.DType;
import dev.vscan.model.weights.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Saves trained weights as a llava-hf checkpoint through the same safetensors writer the generated
 * checkpoints use; config, tokenizer and preprocessor files come from the checkpoint training started from.
 */
public final class TrainedCheckpointWriter {

    static final List<String> SIDE_FILES = List.of("config.json", "tokenizer.json", "tokenizer_config.json",
            "preprocessor_config.json", "generation_config.json");

    private TrainedCheckpointWriter() {}

    public static void write(TrainableWeights weights, Path initialCheckpoint, Path output, DType storage,
            Map<String, String> metadata) {
        SafetensorsWriter writer = new SafetensorsWriter();
        for (Map.Entry<String, NDArray> tensor : weights.checkpointTensors().entrySet()) {
            NDArray array = tensor.getValue();
            writer.add(CheckpointLayout.LLAVA_HF.fromCanonical(tensor.getKey()), storage, array.getShape().getShape(),
                    array.toFloatArray());
        }
        metadata.forEach(writer::metadata);
        try {
            Files.createDirectories(output);
            for (String file : SIDE_FILES) {
                Files.copy(initialCheckpoint.resolve(file), output.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
            // Written aside and moved, so a reader never sees half a file.
            Path partial = output.resolve("model.safetensors.partial");
            writer.write(partial);
            Files.move(partial, output.resolve("model.safetensors"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the trained checkpoint to " + output + ": " + e.getMessage(), e);
        }
    }
}
