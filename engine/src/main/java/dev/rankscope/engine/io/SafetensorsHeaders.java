package dev.rankscope.engine.io;

import java.util.List;

/**
 * A tensor source made of validated safetensors files (SPEC §6), wherever their bytes are read
 * from: the local {@link SafetensorsSource}, or a reader over another file system (the Spark job's
 * Hadoop reader). {@link HeaderDigest} hashes these headers, so the provenance hash of a checkpoint
 * is the same whichever reader opened it.
 */
public interface SafetensorsHeaders {

    /** The validated headers, one per file (shard order for a sharded checkpoint). */
    List<SafetensorsHeader> headers();
}
