// What a screen keeps while another screen is shown: the Log's half-typed contact and the
// review's filters. Screens are rebuilt when they come back; these are not.
import type { Filters } from '../features/review/filters';

export const kept: { logDraft: unknown; reviewFilters: Filters | null } = {
  logDraft: null,
  reviewFilters: null,
};

/** Back to a fresh start (a test starting afresh). */
export function forgetKept(): void {
  kept.logDraft = null;
  kept.reviewFilters = null;
}
