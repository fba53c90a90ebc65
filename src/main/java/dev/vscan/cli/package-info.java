/**
 * The command line: generate tiny checkpoints, convert checkpoint layouts and answer questions about
 * images from a checkpoint directory. Bad input exits with status 2 and one line on stderr.
 */
package dev.vscan.cli;
