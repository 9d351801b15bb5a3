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

export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.styles.ts', 'src/**/*.test.ts'],
  outdir: '.',
  litelement: true,
  packagejson: false,
  plugins: [publicApiOnly()],
};
