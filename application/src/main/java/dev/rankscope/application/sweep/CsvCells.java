package dev.rankscope.application.sweep;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits CSV text as {@link SweepTable#csvLines} writes it (RFC 4180: comma-separated, a cell
 * holding a comma, quote or line break is quoted with doubled quotes inside) into lines of cells.
 * Blank lines are skipped; {@code \r\n} line ends are accepted. Pure; thread-safe.
 */
final class CsvCells {

    private CsvCells() {
    }

    /** The lines of {@code text}, each a list of unquoted cells. */
    static List<List<String>> parse(String text) {
        List<List<String>> lines = new ArrayList<>();
        List<String> line = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
                any = true;
            } else if (c == ',') {
                line.add(cell.toString());
                cell.setLength(0);
                any = true;
            } else if (c == '\n' || c == '\r') {
                if (any || cell.length() > 0) {
                    line.add(cell.toString());
                    lines.add(line);
                }
                line = new ArrayList<>();
                cell.setLength(0);
                any = false;
            } else {
                cell.append(c);
                any = true;
            }
        }
        if (any || cell.length() > 0) {
            line.add(cell.toString());
            lines.add(line);
        }
        return lines;
    }
}
