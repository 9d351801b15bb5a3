/**
 * Defines elements the first time a page uses them: a tag's module is imported once an element
 * of that name is in the document or added to it, so a page that never shows it never downloads
 * its code. Elements inside other elements' shadow roots are not seen: a host that places them
 * there calls the returned function, which loads every element still pending.
 */
export function defineOnFirstUse(loaders: Record<string, () => Promise<unknown>>): () => Promise<void> {
  const pending = new Map(Object.entries(loaders));
  const loading: Promise<unknown>[] = [];
  const load = (tag: string) => {
    const loader = pending.get(tag);
    if (!loader) return;
    pending.delete(tag);
    loading.push(loader());
    if (pending.size === 0) observer.disconnect();
  };
  const look = (root: Element | Document) => {
    for (const tag of [...pending.keys()]) {
      if ((root instanceof Element && root.localName === tag) || root.querySelector(tag)) load(tag);
    }
  };
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) if (node instanceof Element) look(node);
    }
  });
  observer.observe(document, { childList: true, subtree: true });
  look(document);
  return async () => {
    for (const tag of [...pending.keys()]) load(tag);
    await Promise.all(loading);
  };
}
