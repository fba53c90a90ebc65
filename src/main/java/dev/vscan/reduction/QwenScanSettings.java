package dev.vscan.reduction;

/**
 * Where VScan's stage 1 reads a Qwen2.5-VL vision tower, and how big its local windows are.
 *
 * @param localBlock  0-based vision block whose received attention drives the local scan
 * @param globalBlock 0-based vision block whose received attention drives the global scan
 * @param windowSide  local window side in merged tokens
 */
public record QwenScanSettings(int localBlock, int globalBlock, int windowSide) {

    public QwenScanSettings {
        if (localBlock < 0 || globalBlock < 0) {
            throw new IllegalArgumentException("scan blocks are 0-based vision block indices and must be >= 0, got local "
                    + localBlock + " and global " + globalBlock);
        }
        if (windowSide < 1) {
            throw new IllegalArgumentException("the window side must be at least 1 merged token, got " + windowSide);
        }
    }

    /**
     * The authors' choice for a tower of {@code depth} blocks: local from the first full-attention
     * block (the first that sees the whole image), global from the last block, 4x4 windows.
     * Qwen2.5-VL-7B (32 blocks, full attention at 7, 15, 23, 31) gives blocks 7 and 31.
     */
    public static QwenScanSettings reference(int depth, int[] fullAttentionBlocks) {
        if (fullAttentionBlocks == null || fullAttentionBlocks.length == 0) {
            throw new IllegalArgumentException("the local scan reads the first full-attention block, but the tower"
                    + " lists none (fullatt_block_indexes)");
        }
        if (depth < 1) {
            throw new IllegalArgumentException("a vision tower has at least one block, got depth " + depth);
        }
        return new QwenScanSettings(fullAttentionBlocks[0], depth - 1, QwenWindows.REFERENCE_SIDE);
    }
}
