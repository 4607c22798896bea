package dev.rankscope.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The one {@code local[2]} Spark session of this module's tests, started on first use and shared
 * by every test class of the run (a session takes seconds to start; Spark stops it at JVM exit).
 * Hadoop's IPC client is told not to retry, so an unreachable {@code hdfs://} path fails at once.
 */
final class LocalSpark {
    private static SparkSession session;

    private LocalSpark() {
    }

    static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder().master("local[2]").appName("rankscope-sweep-test")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "2")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.hadoop.ipc.client.connect.max.retries", "0")
                    .config("spark.hadoop.ipc.client.connect.max.retries.on.timeouts", "0")
                    .config("spark.hadoop.ipc.client.connect.timeout", "2000")
                    .getOrCreate();
            session.sparkContext().setLogLevel("ERROR");
        }
        return session;
    }
}
