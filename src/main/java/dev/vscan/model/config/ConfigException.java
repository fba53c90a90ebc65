package dev.vscan.model.config;

/** A config file is missing, unreadable or describes a model this engine does not support; names the file. */
public class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
