// Reference lines on the review's charts. The national figure comes from the Dutch national
// customer-experience survey (Nationaal Klantbelevingsonderzoek) as cited in the research
// behind the product: only about 1 in 3 contacts is experienced as positive, the customers'
// own emotional experience, set against the share rated 4–5 on "welcome" (the staff
// member's impression), and labelled as such. The survey's "more than a quarter feel not or
// hardly welcome" speaks of ratings 1–2, not of the 4–5 share this chart shows, so it is not
// drawn here as 75%.
import type { Settings } from '../../lib/ipc';

export type AxisName = 'functional' | 'emotional';

export interface Reference {
  axis: AxisName;
  /** Percent, 0–100. */
  value: number;
  kind: 'target' | 'national';
  /** i18n key of the label, which names the source. */
  label: 'ref.target' | 'ref.national_positive';
}

export const NATIONAL: readonly Reference[] = [
  { axis: 'emotional', value: 33, kind: 'national', label: 'ref.national_positive' },
];

export function references(settings: Settings | null): Reference[] {
  const out: Reference[] = [];
  if (settings?.target_functional) {
    out.push({ axis: 'functional', value: settings.target_functional, kind: 'target', label: 'ref.target' });
  }
  if (settings?.target_emotional) {
    out.push({ axis: 'emotional', value: settings.target_emotional, kind: 'target', label: 'ref.target' });
  }
  return [...out, ...NATIONAL];
}
