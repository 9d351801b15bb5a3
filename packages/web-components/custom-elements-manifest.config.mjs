// Generates custom-elements.json from the elements' JSDoc (slots, events, parts, custom properties).

/** Keeps the manifest to the public surface: no `#private`, `private` or `protected` members, no styles. */
function publicApiOnly() {
  const isPublic = (member) =>
    !member.name.startsWith('#') &&
    member.privacy !== 'private' &&
    member.privacy !== 'protected' &&
    member.name !== 'styles';
  return {
    name: 'pos-public-api-only',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) {
          if (declaration.members) declaration.members = declaration.members.filter(isPublic);
        }
      }
    },
  };
}

/**
 * A define module registers its element with `defineElement('pos-…', PosClass)` (src/define-element.ts),
 * which the analyzer does not know: record each call as the definition `customElements.define`
 * would be, pointing at the class module beside it.
 */
function defineElementCalls() {
  return {
    name: 'pos-define-element',
    analyzePhase({ ts, node, moduleDoc }) {
      if (!ts.isCallExpression(node) || !ts.isIdentifier(node.expression)) return;
      if (node.expression.text !== 'defineElement') return;
      const [tag, element] = node.arguments;
      if (!tag || !ts.isStringLiteral(tag) || !element || !ts.isIdentifier(element)) return;
      moduleDoc.exports = [
        ...(moduleDoc.exports ?? []),
        {
          kind: 'custom-element-definition',
          name: tag.text,
          declaration: { name: element.text, module: moduleDoc.path.replace(/define\.ts$/, `${tag.text}.ts`) },
        },
      ];
    },
  };
}

export default {
  globs: ['src/**/*.ts'],
  // define-element.ts calls customElements.define with whatever tag it is given: not a definition.
  exclude: ['src/**/*.styles.ts', 'src/**/*.test.ts', 'src/define-element.ts'],
  outdir: '.',
  litelement: true,
  packagejson: false,
  plugins: [publicApiOnly(), defineElementCalls()],
};
