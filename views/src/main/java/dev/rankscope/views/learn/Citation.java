package dev.rankscope.views.learn;

/**
 * A paper a Learn panel cites: the citation text shown in the panel and its URL (opened through
 * HostServices when the app provides a link opener).
 */
public record Citation(String text, String url) {
    public static final Citation ECKART_YOUNG = new Citation(
            "C. Eckart and G. Young (1936). The approximation of one matrix by another of lower rank. Psychometrika 1(3), 211–218.",
            "https://doi.org/10.1007/BF02288367");
    public static final Citation MARTIN_MAHONEY = new Citation(
            "C. H. Martin and M. W. Mahoney (2021). Implicit self-regularization in deep neural networks: evidence from random matrix theory and implications for learning. JMLR 22(165), 1–73.",
            "https://jmlr.org/papers/v22/20-410.html");
    public static final Citation ROY_VETTERLI = new Citation(
            "O. Roy and M. Vetterli (2007). The effective rank: a measure of effective dimensionality. EUSIPCO 2007, 606–610.",
            "https://infoscience.epfl.ch/record/110188");
    public static final Citation SHUTTLEWORTH = new Citation(
            "R. Shuttleworth, J. Andreas, A. Torralba and P. Sharma (2024). LoRA vs Full Fine-tuning: An Illusion of Equivalence. arXiv:2410.21228.",
            "https://arxiv.org/abs/2410.21228");

    public Citation {
        if (text == null || text.isBlank() || url == null || !url.startsWith("https://")) {
            throw new IllegalArgumentException("a citation needs text and an https URL");
        }
    }
}
