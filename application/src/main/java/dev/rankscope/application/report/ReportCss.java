package dev.rankscope.application.report;

/**
 * The HTML report's inline stylesheet: system fonts only, no external resources, and no '&lt;' or
 * '&amp;' so the document stays XML-safe. One constant, kept apart from the markup.
 */
final class ReportCss {
    private ReportCss() {
    }

    /** The stylesheet. */
    static final String CSS = """
            :root { --fg: #1a202c; --muted: #4a5568; --line: #e2e8f0; --bg: #f7fafc; --accent: #2b6cb0; }
            * { box-sizing: border-box; }
            body { margin: 0; color: var(--fg); background: var(--bg);
              font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
            header.top { background: #fff; border-bottom: 1px solid var(--line); padding: 20px 32px 8px; }
            h1 { margin: 0; font-size: 24px; font-weight: 600; }
            h1 .model { color: var(--accent); }
            h2 { font-size: 19px; margin: 0 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
            h3 { font-size: 15px; margin: 0 0 4px; font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace;
              word-break: break-all; }
            .sub { color: var(--muted); margin: 4px 0 10px; }
            nav.toc a { display: inline-block; margin: 0 14px 8px 0; color: var(--accent); text-decoration: none;
              font-size: 14px; }
            nav.toc a:hover { text-decoration: underline; }
            main { max-width: 1240px; margin: 0 auto; padding: 8px 24px; }
            section, footer { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 18px 22px;
              margin: 18px 0; }
            footer { max-width: 1192px; margin: 18px auto 32px; }
            .note { color: var(--muted); font-size: 13.5px; margin: 0 0 12px; }
            .cards { display: flex; flex-wrap: wrap; gap: 12px; margin-bottom: 14px; }
            .card { flex: 1 1 180px; border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; background: var(--bg); }
            .card .label { font-size: 12.5px; color: var(--muted); }
            .card .value { font-size: 22px; font-weight: 600; }
            .card .detail { font-size: 12.5px; color: var(--muted); }
            table { border-collapse: collapse; font-size: 13px; }
            table.kv th { text-align: left; font-weight: 500; color: var(--muted); padding: 3px 16px 3px 0; vertical-align: top;
              white-space: nowrap; }
            table.kv td { padding: 3px 0; word-break: break-all; font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace;
              font-size: 12.5px; }
            .scroll { max-height: 520px; overflow: auto; border: 1px solid var(--line); border-radius: 6px; }
            table.metrics { width: 100%; }
            table.metrics th { position: sticky; top: 0; background: #edf2f7; text-align: left; padding: 6px 8px;
              font-weight: 600; border-bottom: 1px solid #cbd5e0; white-space: nowrap; }
            table.metrics td { padding: 4px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
            table.metrics tbody tr:nth-child(even) { background: #f9fbfd; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; }
            td.name { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 12px; }
            span.lo { color: #c53030; font-weight: 600; }
            span.hi { color: #b7791f; font-weight: 600; }
            .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 12px; }
            .grid.wide { grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); }
            figure { margin: 0; }
            figure img { display: block; max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 4px;
              background: #fff; }
            article.matrix { border-top: 1px solid var(--line); padding-top: 14px; margin-top: 14px; }
            article.matrix:first-of-type { border-top: none; margin-top: 0; padding-top: 0; }
            .tags { margin: 0 0 10px; }
            .tag { display: inline-block; background: #ebf4ff; color: #2c5282; border-radius: 10px; padding: 1px 10px;
              margin: 0 6px 4px 0; font-size: 12.5px; }
            .facts { color: var(--muted); font-size: 12.5px; }
            .warn { background: #fffaf0; border: 1px solid #f6ad55; border-radius: 6px; padding: 8px 14px; margin: 10px 0;
              font-size: 13.5px; }
            .warn ul { margin: 4px 0; padding-left: 20px; }
            code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 13px; }
            """;
}
