// A Svelte action for results that appear below the fold: scroll them into view as they mount.

/** Scrolls `node` into view when it appears, so "safe to remove" or an error is seen at once. */
export function reveal(node: HTMLElement): void {
  node.scrollIntoView({ block: 'nearest' });
}
