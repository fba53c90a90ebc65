package dev.vscan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.vscan.model.weights.CanonicalWeights;
import org.junit.jupiter.api.Test;

/** Weights cast to the model's dtype keep no float32 staging copy behind. */
class CheckpointParametersTest {

    private static final String NAME = "model.language_model.embed_tokens.weight";

    @Test
    void aHalfPrecisionWeightIsTheOnlyArrayLeftInTheManager() {
        try (CanonicalWeights weights = CanonicalWeights.open(TestModels.tinyCheckpoint());
                NDManager manager = NDManager.newBaseManager("PyTorch")) {
            CheckpointParameters parameters = new CheckpointParameters(weights, manager, DataType.FLOAT16);
            NDArray embed = parameters.get(NAME, 512, 64);
            NDArray again = parameters.get(NAME, 512, 64);
            assertEquals(DataType.FLOAT16, embed.getDataType());
            assertEquals(2, manager.getManagedArrays().size(), "one float16 array per weight, no float32 copy");
            assertEquals(embed.toType(DataType.FLOAT32, false).sum().getFloat(),
                    again.toType(DataType.FLOAT32, false).sum().getFloat(), 0f);
        }
    }
}
