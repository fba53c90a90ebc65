package dev.vscan.cli;

/** Bad command-line input: reported as one line on stderr with exit status 2. */
final class UsageException extends RuntimeException {

    UsageException(String message) {
        super(message);
    }
}
