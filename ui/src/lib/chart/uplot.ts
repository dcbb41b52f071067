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
