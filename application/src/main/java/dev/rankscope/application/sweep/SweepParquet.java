package dev.rankscope.application.sweep;

import dev.rankscope.engine.io.AtomicFileWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the sweep's long table ({@link SweepTable}) as one Parquet file with parquet-java, without
 * Hadoop: the file goes through {@link AtomicFileWriter} (temp file, then an atomic move; inputs
 * protected) via a minimal {@link OutputFile} over its channel. Column types: INT → INT32,
 * LONG → INT64, DOUBLE → DOUBLE, STRING → BINARY (UTF-8 string); every column is optional (null
 * for an empty cell, NaN never written). Uncompressed (the compression codecs of parquet-hadoop
 * need Hadoop or native libraries; a sweep table is small). Readable by Spark, pandas/pyarrow, DuckDB.
 * Stateless; thread-safe.
 */
public final class SweepParquet {

    private SweepParquet() {
    }

    /** The Parquet schema of {@code table}. */
    public static MessageType schema(SweepTable table) {
        Types.MessageTypeBuilder b = Types.buildMessage();
        for (SweepTable.Column c : table.columns()) {
            switch (c.kind()) {
                case INT -> b.optional(PrimitiveTypeName.INT32).named(c.name());
                case LONG -> b.optional(PrimitiveTypeName.INT64).named(c.name());
                case DOUBLE -> b.optional(PrimitiveTypeName.DOUBLE).named(c.name());
                case STRING -> b.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(c.name());
            }
        }
        return b.named("rankscope_sweep");
    }

    /** Writes {@code rows} as {@code table} to {@code file} atomically through {@code files}. */
    public static void write(SweepTable table, List<SweepRow> rows, Path file, AtomicFileWriter files) {
        MessageType schema = schema(table);
        List<SweepTable.Column> columns = table.columns();
        files.write(file, channel -> {
            try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new ChannelOutputFile(channel))
                    .withConf(new PlainParquetConfiguration())
                    .withType(schema)
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                    .withCompressionCodec(CompressionCodecName.UNCOMPRESSED)
                    .build()) {
                SimpleGroupFactory groups = new SimpleGroupFactory(schema);
                for (SweepRow r : rows) {
                    Group g = groups.newGroup();
                    for (SweepTable.Column c : columns) {
                        Object v = c.value().apply(r);
                        if (v == null) {
                            continue;
                        }
                        switch (c.kind()) {
                            case INT -> g.append(c.name(), ((Number) v).intValue());
                            case LONG -> g.append(c.name(), ((Number) v).longValue());
                            case DOUBLE -> g.append(c.name(), ((Number) v).doubleValue());
                            case STRING -> g.append(c.name(), v.toString());
                        }
                    }
                    w.write(g);
                }
            }
        });
    }

    /** An {@link OutputFile} over an open channel positioned at 0 (closing the stream leaves the channel open). */
    private record ChannelOutputFile(FileChannel channel) implements OutputFile {
        @Override
        public PositionOutputStream create(long blockSizeHint) {
            return new PositionOutputStream() {
                private long pos;

                @Override
                public long getPos() {
                    return pos;
                }

                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                    while (buf.hasRemaining()) {
                        channel.write(buf);
                    }
                    pos += len;
                }
            };
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) {
            return create(blockSizeHint);
        }

        @Override
        public boolean supportsBlockSize() {
            return false;
        }

        @Override
        public long defaultBlockSize() {
            return 0;
        }

        @Override
        public String getPath() {
            return "rankscope-sweep.parquet";
        }
    }
}
