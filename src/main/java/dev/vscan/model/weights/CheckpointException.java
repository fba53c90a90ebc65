package dev.vscan.model.weights;

/**
 * A checkpoint could not be read or written. Messages name the file or directory and, where one is
 * involved, the tensor, so a user can find the broken part without a debugger.
 */
public class CheckpointException extends RuntimeException {

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
