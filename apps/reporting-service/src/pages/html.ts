/** Small helpers for the server-rendered pages: escaping, a layout, a bar chart as inline SVG. */

export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function layout(title: string, body: string, refreshSeconds?: number): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
${refreshSeconds ? `<meta http-equiv="refresh" content="${refreshSeconds}">` : ''}
<title>${esc(title)}</title>
<style>
  body { font-family: "Noto Sans CJK SC", "Noto Sans SC", sans-serif; margin: 24px; color: #1f2933; }
  h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 24px 0 8px; }
  .meta { color: #52606d; font-size: 13px; margin-bottom: 16px; }
  table { border-collapse: collapse; font-size: 14px; min-width: 480px; }
  th, td { border: 1px solid #cbd2d9; padding: 4px 10px; text-align: right; }
  th { background: #f0f4f8; } td.l, th.l { text-align: left; }
  tr.behind td { background: #fff3f3; } .up { color: #18794e; } .down { color: #c62828; }
  .bad { color: #c62828; font-weight: bold; } .ok { color: #18794e; }
  svg text { font-size: 12px; font-family: inherit; }
</style>
</head>
<body>
${body}
</body>
</html>`;
}

export interface Bar {
  label: string;
  value: number;
  /** Drawn in the warning colour. */
  warn?: boolean;
}

/** A horizontal bar chart; `max` fixes the scale (e.g. 1 for rates), else the largest value. */
export function barChart(
  bars: Bar[],
  opts: { max?: number; format: (v: number) => string; title: string },
): string {
  const rowH = 22;
  const labelW = 200;
  const barW = 360;
  const max = opts.max ?? Math.max(1, ...bars.map((b) => b.value));
  const h = bars.length * rowH + 10;
  const rows = bars
    .map((b, i) => {
      const y = i * rowH + 5;
      const w = Math.max(0, Math.min(1, b.value / max)) * barW;
      return `<text x="${labelW - 6}" y="${y + 15}" text-anchor="end">${esc(b.label)}</text>
<rect x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${b.warn ? '#e57373' : '#4a90d9'}"/>
<text x="${labelW + w + 6}" y="${y + 15}">${esc(opts.format(b.value))}</text>`;
    })
    .join('\n');
  return `<svg role="img" aria-label="${esc(opts.title)}" width="${labelW + barW + 80}" height="${h}" xmlns="http://www.w3.org/2000/svg">
${rows}
</svg>`;
}

export const percent = (v: number) => `${(v * 100).toFixed(2)}%`;
