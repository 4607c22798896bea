package dev.rankscope.application.job;

/**
 * The parameters of one job run: a record that validates in its compact constructor (a bad value
 * is an {@link IllegalArgumentException} whose message is the user's sentence), round-trips
 * through {@link JobJson}, and is written as provenance into every file the job exports.
 */
public interface JobParameters {
}
