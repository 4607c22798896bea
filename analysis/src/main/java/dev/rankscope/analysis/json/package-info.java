/**
 * Shared JSON configuration ({@link dev.rankscope.analysis.json.Json}): the non-finite → null
 * rule and the base mapper every Rankscope JSON format and job's parameters build on (SPEC §5).
 */
package dev.rankscope.analysis.json;
