// The one wrapper around uPlot: create, update, resize with the container, destroy.
// Screens hand it finished numbers; nothing here aggregates.
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartHandle {
  /** New data for the same chart; options that read changing state are re-read. */
  update(data: AlignedData): void;
  destroy(): void;
}

export function createChart(el: HTMLElement, options: Options, data: AlignedData): ChartHandle {
  const width = () => Math.max(320, el.clientWidth);
  const plot = new uPlot({ ...options, width: width() }, data, el);
  const resize = new ResizeObserver(() => {
    if (plot.width !== width()) plot.setSize({ width: width(), height: plot.height });
  });
  resize.observe(el);
  return {
    update(next) {
      // Tick labels carry n per week, which can change while the scales stay the same.
      plot.batch(() => {
        plot.setData(next);
        plot.redraw(false, true);
      });
    },
    destroy() {
      resize.disconnect();
      plot.destroy();
    },
  };
}

/** Draws a chart once, off screen, `width` CSS pixels wide, and resolves to a copy of its
 * canvas (for an export); nothing of it stays in the page. */
export function drawOnce(options: Options, data: AlignedData, width: number): Promise<HTMLCanvasElement> {
  const host = document.createElement('div');
  host.style.cssText = `position: fixed; top: 0; left: ${-2 * width}px; width: ${width}px;`;
  host.setAttribute('aria-hidden', 'true');
  document.body.append(host);
  return new Promise((resolve) => {
    const copy = (u: uPlot) => {
      const canvas = document.createElement('canvas');
      canvas.width = u.ctx.canvas.width;
      canvas.height = u.ctx.canvas.height;
      canvas.getContext('2d')?.drawImage(u.ctx.canvas, 0, 0);
      // Destroyed after its own hook has returned.
      setTimeout(() => {
        u.destroy();
        host.remove();
      }, 0);
      resolve(canvas);
    };
    const hooks = { ...options.hooks, ready: [...(options.hooks?.ready ?? []), copy] };
    new uPlot({ ...options, width, hooks }, data, host);
  });
}
