// The one wrapper around uPlot: create, update, resize with the container, destroy.
// Screens hand it finished numbers; nothing here aggregates.
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartHandle {
  update(data: AlignedData, options?: Options): void;
  destroy(): void;
}

export function createChart(el: HTMLElement, options: Options, data: AlignedData): ChartHandle {
  const width = () => Math.max(320, el.clientWidth);
  let plot = new uPlot({ ...options, width: width() }, data, el);
  const resize = new ResizeObserver(() => {
    if (plot.width !== width()) plot.setSize({ width: width(), height: plot.height });
  });
  resize.observe(el);
  return {
    update(next, nextOptions) {
      if (nextOptions) {
        // Axis labels and series names change with the data (n per week, language).
        plot.destroy();
        plot = new uPlot({ ...nextOptions, width: width() }, next, el);
      } else {
        plot.setData(next);
      }
    },
    destroy() {
      resize.disconnect();
      plot.destroy();
    },
  };
}
