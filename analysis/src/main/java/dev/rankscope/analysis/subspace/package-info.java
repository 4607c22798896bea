/**
 * Geometry between weight matrices (SPEC §11): principal angles and overlap of their top-k
 * singular subspaces, joint (stacked) decompositions of a group with the parameters a shared
 * basis would save at equal Frobenius error, and a greedy grouping of adjacent layers. Headless,
 * pure functions over matrices and spectra.
 */
package dev.rankscope.analysis.subspace;
