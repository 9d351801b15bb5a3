/**
 * Defines elements the first time a page uses them: a tag's module is imported once an element
 * of that name is in the document or added to it, so a page that never shows it never downloads
 * its code. Elements inside other elements' shadow roots are not seen; the ones loaded this way
 * are placed in pages directly.
 */
export function defineOnFirstUse(loaders: Record<string, () => Promise<unknown>>): void {
  const pending = new Map(Object.entries(loaders));
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) if (node instanceof Element) look(node);
    }
  });
  const look = (root: Element | Document) => {
    for (const [tag, load] of pending) {
      if ((root instanceof Element && root.localName === tag) || root.querySelector(tag)) {
        pending.delete(tag);
        void load();
      }
    }
    if (pending.size === 0) observer.disconnect();
  };
  observer.observe(document, { childList: true, subtree: true });
  look(document);
}
