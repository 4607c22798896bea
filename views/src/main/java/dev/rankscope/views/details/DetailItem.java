package dev.rankscope.views.details;

/**
 * One line of the details panel.
 *
 * @param category    group heading ("Matrix", "Spectrum", "Rank measures", "Power law", "Marchenko–Pastur", "Checkpoint")
 * @param name        property name
 * @param value       formatted value
 * @param description definition (tooltip), citing the SPEC section where there is one
 */
public record DetailItem(String category, String name, String value, String description) {
}
