/**
 * The model runtime (SPEC §8): a float32 forward pass of Llama-family, GPT-2 and BERT-family
 * models read from a Hugging Face folder, streamed one layer at a time, with matmuls on the
 * engine's native BLAS, tokenisation through the Hugging Face tokenizers library, and hooks for
 * calibration (the input of every linear module) and evaluation (replacement weights, streamed
 * logits, pooled embeddings). Headless: no JavaFX.
 *
 * <pre>{@code
 * try (ModelFolder folder = ModelFolder.open(dir)) {            // config.json, weights, tokenizer.json
 *     ModelRuntime model = ModelRuntime.of(folder);
 *     int[] ids = folder.tokenizer().encode(text, true);        // post-processor's special tokens
 *     ForwardOptions opts = ForwardOptions.defaults()
 *             .withObserver((modules, x) -> gram.add(modules, x))        // tokens × in, per input group
 *             .withWeights(WeightOverride.of(Map.of("model.layers.0.mlp.up_proj", lowRank)))
 *             .withLogits((seq, first, block) -> nll += LogitMath.nll(block, 0, ids[first + 1]))
 *             .withMonitor(ForwardMonitor.of(task::progress, task::checkCancelled));
 *     ForwardResult r = model.forward(List.of(ids), opts);      // r.pooled() for encoders
 * }
 * }</pre>
 * Module names are the checkpoint's weight names without {@code .weight}, as plans write them;
 * {@link dev.rankscope.runtime.ModelRuntime#linearModules()} lists them with their shapes and
 * input groups. Failures are {@link dev.rankscope.runtime.ModelRuntimeException}s whose user
 * message is one sentence naming the file, module or layer.
 */
package dev.rankscope.runtime;
