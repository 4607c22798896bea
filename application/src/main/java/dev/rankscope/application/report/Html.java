package dev.rankscope.application.report;

/**
 * Text escaping for the report's XHTML-compatible HTML. Pure.
 */
final class Html {
    private Html() {
    }

    /**
     * {@code text} safe inside element content and double- or single-quoted attributes: escapes
     * {@code & < > " '} and replaces characters XML forbids (C0 controls other than tab, LF, CR,
     * and unpaired surrogates) with U+FFFD, so a tensor named {@code <script>} renders as text.
     */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                        sb.append(c).append(text.charAt(++i));
                    } else if (Character.isSurrogate(c) || (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                            || c == 0xFFFE || c == 0xFFFF) {
                        sb.append('\uFFFD');
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
