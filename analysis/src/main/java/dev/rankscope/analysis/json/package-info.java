/**
 * Shared JSON configuration ({@link dev.rankscope.analysis.json.Json}): one mapper, one rule for
 * non-finite numbers. No JavaFX.
 */
package dev.rankscope.analysis.json;
