/**
 * The command line: generate tiny checkpoints, convert checkpoint layouts, answer questions about
 * images from a checkpoint directory, run the embedded Kafka broker on its own, and talk to a running
 * service over Kafka ({@code send} questions, {@code follow} its topics). May use Kafka clients and the
 * messaging adapter; {@code bin/vscan} runs it on the packaged application. Bad input exits with status 2
 * and one line on stderr.
 */
package dev.vscan.cli;
