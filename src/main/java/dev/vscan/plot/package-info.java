/** Small PNG line charts (loss curves, accuracy against token budget) drawn with Java2D; no dependencies. */
package dev.vscan.plot;
