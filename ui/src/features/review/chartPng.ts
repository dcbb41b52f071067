// The review's two trend charts as one PNG for a slide: a title with the period and the
// filters, then each chart drawn anew at twice the screen's size (1,920 px wide at the least)
// with a legend of its own lines and references under it.
export interface LegendItem {
  color: string;
  text: string;
  kind: 'line' | 'band' | 'dashed' | 'dotted';
}

export interface PngChart {
  heading: string;
  canvas: HTMLCanvasElement;
  legend: LegendItem[];
}

export interface PngParts {
  title: string;
  subtitle: string;
  charts: PngChart[];
  /** A closing remark under the charts (what a starred week means). */
  note?: string;
}

/** The PNG's width in pixels (at a device pixel ratio of 1); its type is twice the screen's. */
export const PNG_WIDTH = 1920;
export const PNG_SCALE = 2;
const S = PNG_SCALE;
const PAD = 24 * S;
const SWATCH = 28 * S;
const ROW = 24 * S;

/** Words in lines no wider than `width`. */
export function wrap(text: string, width: number, measure: (text: string) => number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (line && measure(next) > width) {
      lines.push(line);
      line = word;
    } else {
      line = next;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** Legend items in rows that fit `width`, each item as wide as `measure` says plus its swatch. */
export function legendRows<T extends { text: string }>(items: T[], width: number, measure: (text: string) => number): T[][] {
  const rows: T[][] = [];
  let row: T[] = [];
  let used = 0;
  for (const item of items) {
    const w = SWATCH + 8 * S + measure(item.text) + 24 * S;
    if (row.length > 0 && used + w > width) {
      rows.push(row);
      row = [];
      used = 0;
    }
    row.push(item);
    used += w;
  }
  if (row.length > 0) rows.push(row);
  return rows;
}

export async function composePng(parts: PngParts): Promise<Uint8Array> {
  const width = Math.max(PNG_WIDTH, ...parts.charts.map((c) => c.canvas.width + 2 * PAD));
  const out = document.createElement('canvas');
  const ctx = out.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas');
  const legendFont = `${13 * S}px sans-serif`;
  ctx.font = legendFont;
  const inner = width - 2 * PAD;
  const measure = (text: string) => ctx.measureText(text).width;
  const textRoom = inner - SWATCH - 8 * S;
  // Items that fit share rows; a long one (a reference with its source) gets lines of its own.
  const layout = parts.charts.map((c) =>
    legendRows(c.legend, inner, measure).flatMap((row) =>
      row.length === 1 ? [{ items: row, lines: wrap(row[0]!.text, textRoom, measure) }] : [{ items: row, lines: [''] }],
    ),
  );
  const legendHeight = (i: number) => layout[i]!.reduce((h, row) => h + row.lines.length * ROW, 0);
  const noteLines = parts.note ? wrap(parts.note, inner, measure) : [];
  const head = 112 * S;
  const chartHeight = (c: PngChart, i: number) => 34 * S + c.canvas.height + legendHeight(i) + 28 * S;
  out.width = width;
  out.height =
    head + parts.charts.reduce((sum, c, i) => sum + chartHeight(c, i), 0) + noteLines.length * ROW + (noteLines.length ? 12 * S : 0);

  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.textBaseline = 'alphabetic';
  ctx.fillStyle = '#111827';
  ctx.font = `bold ${24 * S}px sans-serif`;
  ctx.fillText(parts.title, PAD, 44 * S, inner);
  ctx.font = `${14 * S}px sans-serif`;
  ctx.fillStyle = '#4b5563';
  ctx.fillText(parts.subtitle, PAD, 72 * S, inner);

  let y = head;
  parts.charts.forEach((c, i) => {
    ctx.fillStyle = '#111827';
    ctx.font = `bold ${16 * S}px sans-serif`;
    ctx.fillText(c.heading, PAD, y + 22 * S);
    ctx.drawImage(c.canvas, PAD, y + 34 * S);
    let ly = y + 34 * S + c.canvas.height + 20 * S;
    ctx.font = legendFont;
    for (const row of layout[i]!) {
      let lx = PAD;
      for (const item of row.items) {
        swatch(ctx, item, lx, ly - 5 * S);
        ctx.fillStyle = '#374151';
        const lines = row.items.length === 1 ? row.lines : [item.text];
        lines.forEach((line, k) => ctx.fillText(line, lx + SWATCH + 8 * S, ly + k * ROW));
        lx += SWATCH + 8 * S + measure(item.text) + 24 * S;
      }
      ly += row.lines.length * ROW;
    }
    y += chartHeight(c, i);
  });
  ctx.fillStyle = '#4b5563';
  noteLines.forEach((line, k) => ctx.fillText(line, PAD, y + k * ROW));

  const blob = await new Promise<Blob | null>((resolve) => out.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('the chart could not be drawn as PNG');
  return new Uint8Array(await blob.arrayBuffer());
}

function swatch(ctx: CanvasRenderingContext2D, item: LegendItem, x: number, y: number): void {
  ctx.save();
  if (item.kind === 'band') {
    ctx.fillStyle = item.color;
    ctx.fillRect(x, y - 7 * S, SWATCH, 14 * S);
  } else {
    ctx.strokeStyle = item.color;
    ctx.lineWidth = (item.kind === 'line' ? 3 : 2) * S;
    ctx.setLineDash(item.kind === 'dashed' ? [8 * S, 4 * S] : item.kind === 'dotted' ? [3 * S, 3 * S] : []);
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(x + SWATCH, y);
    ctx.stroke();
  }
  ctx.restore();
}
