/**
 * Measures how many held-out synthetic questions a model answers right under each visual-token reduction
 * method and budget. Plain Java over the model, reduction and synth packages.
 */
package dev.vscan.evaluation;
