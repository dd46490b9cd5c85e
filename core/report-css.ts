/**
 * The committee report's stylesheet: readable on screen, colours that pass WCAG 2.1 AA contrast,
 * and a print layout for A4 committee papers — the summary first, each scorecard group from a new
 * page, a measure kept together where it fits, the appendices after.
 */
export const REPORT_CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, "Segoe UI", Arial, sans-serif; font-size: 16px; line-height: 1.45; color: #1a1a1a; background: #ffffff; }
header, main { max-width: 62rem; margin: 0 auto; padding: 0 1.25rem; }
header { padding-top: 1.5rem; border-bottom: 4px solid #1d3f6e; padding-bottom: 1rem; }
h1 { font-size: 1.8rem; margin: 0 0 .5rem; color: #1d3f6e; }
h2 { font-size: 1.45rem; margin: 2.5rem 0 .75rem; color: #1d3f6e; border-bottom: 2px solid #1d3f6e; padding-bottom: .25rem; }
h3 { font-size: 1.2rem; margin: 2rem 0 .5rem; color: #1d3f6e; border-bottom: 1px solid #8a8a8a; padding-bottom: .15rem; }
h4 { font-size: 1.02rem; margin: 1.1rem 0 .4rem; }
a { color: #1d3f6e; }
a:focus { outline: 3px solid #c45500; outline-offset: 2px; }
.meta { margin: .25rem 0; }
.lead { font-size: 1.05rem; }
table.data { border-collapse: collapse; width: 100%; margin: .75rem 0 1.25rem; font-size: .95rem; }
table.data caption { text-align: left; font-weight: 600; padding: .25rem 0 .5rem; }
table.data th, table.data td { border: 1px solid #6b6b6b; padding: .3rem .5rem; text-align: left; vertical-align: top; }
table.data thead th { background: #e8edf4; }
table.data .num { text-align: right; font-variant-numeric: tabular-nums; }
table.data.series-table { font-size: .85rem; }
table.data.summary { table-layout: fixed; font-size: .9rem; }
table.summary thead th:nth-child(1) { width: 22%; }
table.summary thead th:nth-child(2) { width: 13%; }
table.summary thead th:nth-child(3) { width: 12%; }
table.summary thead th:nth-child(4) { width: 9%; }
table.summary thead th:nth-child(5) { width: 16%; }
table.summary thead th:nth-child(6) { width: 14%; }
table.summary thead th:nth-child(7) { width: 14%; }
table.summary tbody th.group { background: #f2f4f7; color: #1d3f6e; font-size: 1rem; }
table.data.files { font-size: .8rem; }
code { font-family: ui-monospace, "Cascadia Mono", Consolas, monospace; font-size: .9em; }
code.hash { overflow-wrap: anywhere; word-break: break-all; }
.status { display: inline-block; padding: .1rem .45rem; border-radius: 3px; border: 1px solid currentColor; font-weight: 600; }
.status-green { background: #e3f2e6; color: #14532d; }
.status-amber { background: #fff1cc; color: #5c3d00; }
.status-red { background: #fbe3e4; color: #7a1418; }
.status-none, .status-c { background: #eeeeee; color: #333333; }
.arrow { font-weight: 700; }
.change-better { color: #14532d; }
.change-worse { color: #7a1418; }
dl.facts { margin: 0; display: grid; gap: .35rem; }
dl.facts > div { display: grid; grid-template-columns: 12rem 1fr; gap: .75rem; }
dt { font-weight: 600; }
dd { margin: 0; }
.value { font-size: 1.15rem; }
.what { margin: .25rem 0 .75rem; }
.commentary { border-left: 4px solid #1d3f6e; background: #f4f6fa; padding: .5rem .9rem; margin: 1rem 0; }
.commentary h4 { margin: .2rem 0 .3rem; }
.commentary blockquote { margin: 0; }
.commentary blockquote p { margin: 0 0 .3rem; }
.commentary .by { margin: 0; font-size: .9rem; color: #333333; }
.no-commentary { color: #333333; font-style: italic; }
figure { margin: 1rem 0; }
svg.chart { width: 100%; max-width: 50rem; height: auto; font-family: inherit; }
svg .grid { stroke: #d9d9d9; stroke-width: 1; }
svg .axis { stroke: #4d4d4d; stroke-width: 1; }
svg .tick { font-size: 12px; fill: #333333; }
svg .label { font-size: 12px; fill: #1a1a1a; font-weight: 600; paint-order: stroke; stroke: #ffffff; stroke-width: 4px; stroke-linejoin: round; }
svg .series { fill: none; stroke: #1d3f6e; stroke-width: 2.5; }
svg .point { fill: #1d3f6e; }
svg .point.provisional { fill: #ffffff; stroke: #1d3f6e; stroke-width: 2; }
svg .target { stroke: #a3290f; stroke-width: 2; stroke-dasharray: 7 5; }
svg .event { stroke: #4d4d4d; stroke-width: 2; }
ul.events > li { margin-bottom: .75rem; }
ul.events p { margin: 0; }
.evidence { color: #3d3d3d; font-size: .9rem; }
#data-team { font-size: .92rem; }
@page { size: A4; margin: 15mm 14mm; }
@media print {
  body { font-size: 10.5pt; }
  header, main { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  .back { display: none; }
  section.group, section.appendix { break-before: page; page-break-before: always; }
  section.kpi { break-inside: avoid; page-break-inside: avoid; }
  .kpi-head, figure, tr, dl.facts > div, .commentary { break-inside: avoid; page-break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  table.data thead { display: table-header-group; }
  .status, table.data thead th, table.summary tbody th.group, .commentary { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  table.data.summary { font-size: 8.5pt; }
  svg.chart { width: auto; max-width: 100%; height: 58mm; }
  figure { margin: 2mm 0; }
  h2 { margin-top: 0; }
  h3 { margin: 5mm 0 1mm; font-size: 12pt; }
  h4 { margin: 3mm 0 1mm; font-size: 10.5pt; }
  table.data.series-table { font-size: 7.5pt; margin: 1mm 0; }
  table.data.series-table th, table.data.series-table td { padding: 0 4pt; }
}
`;
