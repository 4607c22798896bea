/**
 * The local Hugging Face hub cache ({@link dev.rankscope.engine.hub.HuggingFaceCache}): listing
 * cached model snapshots and resolving {@code hf:org/name[@revision]} without network.
 */
package dev.rankscope.engine.hub;
