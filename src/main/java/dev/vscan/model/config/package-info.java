/**
 * Model, preprocessor and generation settings read from a Hugging Face checkpoint's JSON files, as
 * validated records that carry Hugging Face's class defaults for the keys a published config leaves out.
 * Plain Java: it may import the JDK and Jackson, nothing from DJL, Quarkus or Kafka.
 */
package dev.vscan.model.config;
