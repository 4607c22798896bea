package dev.rankscope.views.explorer;

import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.application.workbench.MatrixEntry;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ExplorerRowNameTest {

    private static MatrixEntry entry(String module, int layer, ModuleType type) {
        String tensor = module + ".weight";
        return new MatrixEntry(Path.of("m.safetensors"), MatrixRef.whole(tensor, 8, 4),
                new MatrixName(tensor, layer, type, module), DType.BF16);
    }

    @Test
    void insideALayerTheLastComponentIsShown() {
        assertEquals("q_proj", ExplorerView.rowName(entry("model.layers.3.self_attn.q_proj", 3, ModuleType.Q)));
    }

    @Test
    void outsideTheBlocksTheModelWrapperIsDropped() {
        assertEquals("embed_tokens", ExplorerView.rowName(entry("model.embed_tokens", -1, ModuleType.EMBED)));
        assertEquals("wte", ExplorerView.rowName(entry("transformer.wte", -1, ModuleType.EMBED)));
        assertEquals("lm_head", ExplorerView.rowName(entry("lm_head", -1, ModuleType.LM_HEAD)));
    }

    @Test
    void aNameThatIsOnlyTheWrapperStaysWhole() {
        assertEquals("model.", ExplorerView.rowName(entry("model.", -1, ModuleType.OTHER)));
        assertEquals("encoder.embed_tokens", ExplorerView.rowName(entry("encoder.embed_tokens", -1, ModuleType.EMBED)));
    }
}
