/**
 * LLaVA-NeXT's own parts: how the features of an image's crops are packed into its visual tokens
 * (base crop first, the tiles as one grid, unpadded to the image's aspect ratio, a newline token
 * after every row). Plain Java; the tower, projector and decoder are LLaVA's.
 */
package dev.vscan.model.next;
