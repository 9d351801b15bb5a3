/** The class each name was asked for, where the registry holds a subclass of it. */
const subclassed = new Map<string, CustomElementConstructor>();

/**
 * Registers an element class under a tag name. The class modules never register themselves: the
 * `define.ts` beside each one calls this with its element's own name, and a host may call
 * `customElements.define` with a name of its choosing instead.
 *
 * Defining the same class under the same name again does nothing, so define modules can be
 * imported any number of times. A class the host already registered under its own name is
 * registered here through a subclass, since a registry takes each constructor only once. A name
 * another class holds throws, as `customElements.define` does.
 */
export function defineElement(tag: string, element: CustomElementConstructor): void {
  const existing = customElements.get(tag);
  if (existing === element || (existing && subclassed.get(tag) === element)) return;
  if (existing) throw new Error(`<${tag}> is already defined by another class.`);
  try {
    customElements.define(tag, element);
  } catch (error) {
    if (!(error instanceof DOMException && error.name === 'NotSupportedError')) throw error;
    customElements.define(tag, class extends element {});
    subclassed.set(tag, element);
  }
}

/**
 * Makes sure an element that another one renders in its shadow root is defined under the name
 * its template uses. Called from the outer element's constructor, so an element a host
 * registered under its own name still finds its parts; a name the page already gave to another
 * class is left as it is.
 */
export function defineDependency(tag: string, element: CustomElementConstructor): void {
  if (!customElements.get(tag)) defineElement(tag, element);
}
