// Where keyboard focus goes when a screen or a dialog changes under it: never the page body,
// which would send the next Tab back to the top of the window.

/** Focuses the current screen's heading (made focusable by script, not by Tab). */
export function focusHeading(): void {
  // A screen just left may still be in the page, hidden, until the new one has been painted.
  const heading =
    document.querySelector<HTMLElement>('main > :not([hidden]) h1') ?? document.querySelector<HTMLElement>('h1');
  if (!heading) return;
  heading.tabIndex = -1;
  heading.focus();
}

/** Focuses `el` when it can still take focus, else the screen's heading. */
export function returnFocus(el: HTMLElement | null): void {
  if (el && el !== document.body && el.isConnected) {
    el.focus();
    if (document.activeElement === el) return;
  }
  focusHeading();
}
