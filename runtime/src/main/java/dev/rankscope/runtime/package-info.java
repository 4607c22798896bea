/**
 * The model runtime (SPEC §8): a float32 forward pass of Llama-family, GPT-2 and BERT-family
 * models read from a Hugging Face folder, streamed one layer at a time, with matmuls on the
 * engine's native BLAS, tokenisation through the Hugging Face tokenizers library, and the
 * calibration statistics of every linear module. Headless: no JavaFX.
 */
package dev.rankscope.runtime;
