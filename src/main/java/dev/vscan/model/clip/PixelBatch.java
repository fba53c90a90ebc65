package dev.vscan.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vscan.model.image.PixelValues;
import java.util.List;

/** Crops of equal shape as the tower's input, [crops, channels, height, width], in the model's dtype. */
public final class PixelBatch {

    private PixelBatch() {}

    public static NDArray of(NDManager manager, List<PixelValues> crops, DataType dtype) {
        PixelValues first = crops.get(0);
        int size = first.data().length;
        float[] data = new float[size * crops.size()];
        for (int i = 0; i < crops.size(); i++) {
            System.arraycopy(crops.get(i).data(), 0, data, i * size, size);
        }
        NDArray array = manager.create(data, new Shape(crops.size(), first.channels(), first.height(), first.width()));
        return dtype == DataType.FLOAT32 ? array : array.toType(dtype, false);
    }
}
