import { createHash } from 'node:crypto';

/** The report's only stylesheet, inline; the Content-Security-Policy allows exactly this text by hash. */
export const STYLE = `
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #fff; --soft: #f6f8fa; --pass: #1a7f37; --fail: #cf222e; --warn: #9a6700; --accent: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
main { max-width: 1320px; margin: 0 auto; padding: 28px 32px 64px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 36px 0 10px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
p { margin: 6px 0; }
.muted, .note { color: var(--muted); }
.note { font-size: 12px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 18px 0 4px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; min-width: 150px; background: var(--soft); }
.card b { display: block; font-size: 20px; }
.card span { color: var(--muted); font-size: 12px; }
.banner { border: 1px solid #d4a72c; background: #fff8c5; border-radius: 6px; padding: 8px 12px; margin: 14px 0; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--soft); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; white-space: nowrap; }
tbody tr:hover { background: #f6f8fa80; }
.badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px; font-weight: 600; line-height: 20px; white-space: nowrap; }
.b-pass { background: #dafbe1; color: var(--pass); }
.b-fail { background: #ffebe9; color: var(--fail); }
.b-error { background: #fff1e5; color: #bc4c00; }
.b-none { background: var(--soft); color: var(--muted); }
.t-TRUSTED { background: #dafbe1; color: var(--pass); }
.t-PROVISIONAL { background: #fff8c5; color: var(--warn); }
.t-UNTRUSTED, .t-UNCALIBRATED { background: #ffebe9; color: var(--fail); }
.swatch { display: inline-block; vertical-align: -2px; margin-right: 6px; }
.figure { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
.chart { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 8px; background: #fff; }
.chart .grid { stroke: #eaeef2; }
.chart .axis { stroke: #8c959f; }
.chart .tick { fill: var(--muted); font-size: 11px; }
.chart .label { fill: var(--fg); font-size: 12px; }
.chart .pt { fill: var(--fg); font-size: 12px; font-weight: 600; }
.chart .front { fill: none; stroke: #8c959f; stroke-width: 1.5; stroke-dasharray: 5 4; }
.legend { list-style: none; padding: 0; margin: 0; }
.legend li { margin: 4px 0; }
pre.out { margin: 4px 0 0; padding: 6px 8px; background: var(--soft); border-radius: 6px; white-space: pre-wrap; word-break: break-word; font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; max-height: 16em; overflow: auto; }
.tool { margin-top: 6px; border-left: 3px solid var(--accent); padding-left: 8px; }
.tool.bad { border-left-color: var(--fail); }
.tool-name { font: 600 12px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: var(--accent); }
.why { color: var(--fail); font-size: 12px; margin-top: 4px; }
.why.err { color: #bc4c00; }
.outputs td { min-width: 220px; }
.outputs td.ex { min-width: 0; white-space: nowrap; font-weight: 600; }
.nowrap { white-space: nowrap; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
`;

/** 'sha256-…' source expression of STYLE for the CSP's style-src. */
export function styleHash(style = STYLE): string {
  return `'sha256-${createHash('sha256').update(style, 'utf8').digest('base64')}'`;
}

/**
 * No scripts, no network, no forms, no plugins: even if some text escaped escaping, nothing could
 * run or phone home. Images only as data: URIs; styles only this exact stylesheet.
 */
export function contentSecurityPolicy(style = STYLE): string {
  return `default-src 'none'; script-src 'none'; style-src ${styleHash(style)}; img-src data:; font-src 'none'; connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-src 'none'`;
}
