// Are the Types Wrong over packed tarballs, in one process (TypeScript loads once):
//   node scripts/check-types.mjs <tarball>...
// Prints one line per package and every problem; exits 1 if any package has one.
import { readFileSync } from 'node:fs';
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core';

/**
 * Resolution modes a package is not meant for. Every dual (ESM + CJS) package is checked in all
 * of them, node10 included (`typesVersions` serves its subpaths to TypeScript's old resolver).
 */
const IGNORED_RESOLUTIONS = {
  // A browser package, published as ES modules only: require() is not a way to load it.
  '@pos/web-components': ['node10', 'node16-cjs'],
  // Demo and test tooling, published as ES modules only.
  '@pos/simulators': ['node10', 'node16-cjs'],
};
/** Exports that are not modules. */
const NOT_MODULES = {
  // A file to run in Supabase's SQL editor.
  '@pos/connector-supabase': ['./setup.sql'],
};

let failed = false;
for (const tarball of process.argv.slice(2)) {
  const pkg = createPackageFromTarballData(new Uint8Array(readFileSync(tarball)));
  const name = pkg.packageName;
  const analysis = await checkPackage(pkg, { excludeEntrypoints: NOT_MODULES[name] ?? [] });
  if (!analysis.types) {
    // Nothing to import (a command-line tool): nothing to type.
    console.log(`${name}: no types (nothing to import)`);
    continue;
  }
  const ignored = IGNORED_RESOLUTIONS[name] ?? [];
  const problems = analysis.problems.filter(
    (problem) => !('resolutionKind' in problem) || !ignored.includes(problem.resolutionKind),
  );
  console.log(`${name}: ${problems.length === 0 ? 'no problems' : `${problems.length} problem(s)`}`);
  for (const problem of problems) {
    const where = 'entrypoint' in problem ? ` ${problem.entrypoint}` : '';
    const how = 'resolutionKind' in problem ? ` (${problem.resolutionKind})` : '';
    console.log(`  ${problem.kind}${where}${how}`);
  }
  failed ||= problems.length > 0;
}
process.exit(failed ? 1 : 0);
