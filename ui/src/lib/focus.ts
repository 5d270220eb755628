// Where focus goes when a screen or a part of it appears: the clerk's next step. One attachment
// (`{@attach focusHere}`) that every screen puts on its target, so focus moves in one place.

/** Focuses the element as soon as it is in the page (for an attachment). */
export function focusHere(element: HTMLElement): void {
  element.focus();
}
