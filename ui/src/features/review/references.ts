// Reference lines on the review's charts. The national figures come from the Dutch national
// customer-experience survey (Nationaal Klantbelevingsonderzoek) as cited in the research
// behind the product: only about 1 in 3 contacts is experienced as positive, and more than a
// quarter of customers feel not or hardly welcome. Both describe the felt (emotional) side.
import type { Settings } from '../../lib/ipc';

export type AxisName = 'functional' | 'emotional';

export interface Reference {
  axis: AxisName;
  /** Percent, 0–100. */
  value: number;
  kind: 'target' | 'national';
  /** i18n key of the label, which names the source. */
  label: 'ref.target' | 'ref.national_positive' | 'ref.national_welcome';
}

export const NATIONAL: readonly Reference[] = [
  { axis: 'emotional', value: 33, kind: 'national', label: 'ref.national_positive' },
  { axis: 'emotional', value: 75, kind: 'national', label: 'ref.national_welcome' },
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
