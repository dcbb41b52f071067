// The review's two trend charts as one PNG: a title, the filter description, both charts
// side by side as drawn on screen, and a legend naming each line and reference.
export interface PngParts {
  title: string;
  subtitle: string;
  charts: { heading: string; canvas: HTMLCanvasElement }[];
  legend: { color: string; text: string; dashed?: boolean }[];
}

export async function composePng(parts: PngParts): Promise<Uint8Array> {
  const pad = 24;
  const widths = parts.charts.map((c) => c.canvas.width);
  const height = Math.max(...parts.charts.map((c) => c.canvas.height));
  const out = document.createElement('canvas');
  out.width = widths.reduce((a, b) => a + b, 0) + pad * (parts.charts.length + 1);
  out.height = height + 140 + 22 * Math.ceil(parts.legend.length / 2);
  const ctx = out.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = '#111827';
  ctx.font = 'bold 22px sans-serif';
  ctx.fillText(parts.title, pad, 36);
  ctx.font = '14px sans-serif';
  ctx.fillStyle = '#4b5563';
  ctx.fillText(parts.subtitle, pad, 60);
  let x = pad;
  for (const c of parts.charts) {
    ctx.fillStyle = '#111827';
    ctx.font = 'bold 15px sans-serif';
    ctx.fillText(c.heading, x, 92);
    ctx.drawImage(c.canvas, x, 102);
    x += c.canvas.width + pad;
  }
  ctx.font = '13px sans-serif';
  parts.legend.forEach((item, i) => {
    const lx = pad + (i % 2) * (out.width / 2);
    const ly = height + 124 + 22 * Math.floor(i / 2);
    ctx.strokeStyle = item.color;
    ctx.lineWidth = 3;
    ctx.setLineDash(item.dashed ? [6, 4] : []);
    ctx.beginPath();
    ctx.moveTo(lx, ly - 5);
    ctx.lineTo(lx + 28, ly - 5);
    ctx.stroke();
    ctx.fillStyle = '#374151';
    ctx.fillText(item.text, lx + 36, ly);
  });
  const blob = await new Promise<Blob | null>((resolve) => out.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('the chart could not be drawn as PNG');
  return new Uint8Array(await blob.arrayBuffer());
}
