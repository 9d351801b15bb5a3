import { type ElementPart, noChange } from 'lit';
import { Directive, directive, type PartInfo, PartType } from 'lit/directive.js';

/**
 * Sets inline style properties through the CSSOM (`element.style.setProperty`), never as a
 * `style` attribute. Lit's `styleMap` writes the attribute on first render, which a page whose
 * Content-Security-Policy allows no inline styles blocks; CSSOM changes are always allowed.
 * Use it on an element: `<div ${cssProperties({ width: '40%' })}>`.
 */
class CssPropertiesDirective extends Directive {
  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT) throw new Error('cssProperties() belongs on an element, not in an attribute.');
  }

  render(_properties: Readonly<Record<string, string>>) {
    return noChange;
  }

  override update(part: ElementPart, [properties]: [Readonly<Record<string, string>>]) {
    const { style } = part.element as HTMLElement;
    for (const [name, value] of Object.entries(properties)) style.setProperty(name, value);
    return noChange;
  }
}

export const cssProperties = directive(CssPropertiesDirective);
