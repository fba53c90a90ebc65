/**
 * The CLIP vision tower of LLaVA: patch embedding, [CLS] token, pre-norm encoder layers. It stops at
 * the configured feature layer and can report the [CLS] row of chosen layers' attention maps, which
 * the reduction methods score patches with. Imports DJL and the model's own packages only.
 */
package dev.vscan.model.clip;
