/**
 * The command line: generate tiny checkpoints, convert checkpoint layouts, answer questions about
 * images from a checkpoint directory, and run the embedded Kafka broker on its own. Bad input exits
 * with status 2 and one line on stderr.
 */
package dev.vscan.cli;
