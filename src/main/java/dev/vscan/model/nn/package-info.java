/**
 * Building blocks shared by the vision tower and the language model: linear layers, norms,
 * activations and scaled dot-product attention, written over DJL NDArrays.
 * Imports DJL only; every block is stateless apart from its (read-only) weights.
 */
package dev.vscan.model.nn;
