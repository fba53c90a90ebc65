package dev.vscan.model.weights;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Rewrites a checkpoint in another layout and/or shard count. Tensor bytes are copied unchanged (dtype
 * kept) straight from the memory-mapped source; the non-weight files (config.json, tokenizer files,
 * preprocessor and generation configs, ...) are copied alongside.
 */
public final class CheckpointConverter {

    private CheckpointConverter() {
    }

    /**
     * Writes the checkpoint in {@code src} to {@code dst} in {@code target}'s layout, split into
     * {@code shards} files. {@code dst} must not exist or be an empty directory.
     */
    public static void convertLayout(Path src, Path dst, CheckpointLayout target, int shards) {
        requireEmptyTarget(dst);
        try (CanonicalWeights weights = CanonicalWeights.open(src)) {
            ShardedCheckpointWriter writer = new ShardedCheckpointWriter(shards);
            for (String canonical : weights.canonicalNames()) {
                TensorInfo info = weights.info(canonical);
                writer.add(target.fromCanonical(canonical), info.dtype(), info.shape(), weights.raw(canonical));
            }
            writer.write(dst);
        }
        copyNonWeightFiles(src, dst);
    }

    private static void requireEmptyTarget(Path dst) {
        if (!Files.exists(dst)) {
            return;
        }
        try (Stream<Path> entries = Files.list(dst)) {
            if (entries.findAny().isPresent()) {
                throw new CheckpointException("conversion target " + dst + " is not empty; refusing to overwrite it");
            }
        } catch (IOException e) {
            throw new CheckpointException("cannot list conversion target " + dst + ": " + e, e);
        }
    }

    private static void copyNonWeightFiles(Path src, Path dst) {
        List<Path> files;
        try (Stream<Path> entries = Files.list(src)) {
            files = entries.filter(Files::isRegularFile).filter(p -> !isWeightFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new CheckpointException("cannot list checkpoint directory " + src + ": " + e, e);
        }
        for (Path file : files) {
            try {
                Files.copy(file, dst.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new CheckpointException("cannot copy " + file + " to " + dst + ": " + e, e);
            }
        }
    }

    private static boolean isWeightFile(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".safetensors") || name.equals(CheckpointFiles.INDEX_FILE);
    }
}
