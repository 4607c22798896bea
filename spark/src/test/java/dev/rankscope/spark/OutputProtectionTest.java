package dev.rankscope.spark;

import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The Spark driver never writes into a checkpoint folder it reads. */
class OutputProtectionTest {

    @Test
    void outputInsideAnInputFolderIsRefused() {
        List<Path> inputs = List.of(new Path("hdfs://nn/runs/step1"), new Path("hdfs://nn/runs/step2/"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkSweep.checkOutput(new Path("hdfs://nn/runs/step2/out"), inputs));
        assertEquals("hdfs://nn/runs/step2/out: the output folder is inside the input hdfs://nn/runs/step2; "
                + "choose a folder outside the checkpoints", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SparkSweep.checkOutput(new Path("hdfs://nn/runs/step1"), inputs));
        assertDoesNotThrow(() -> SparkSweep.checkOutput(new Path("hdfs://nn/runs/step10-out"), inputs));
        assertDoesNotThrow(() -> SparkSweep.checkOutput(new Path("hdfs://nn/sweeps/a"), inputs));
    }
}
