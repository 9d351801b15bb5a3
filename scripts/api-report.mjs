// The API reports of the packages whose public surface is reviewed name by name: one
// `api/<entry>.api.md` per entry point, written by API Extractor from the built declarations.
//   node scripts/api-report.mjs            writes the reports (`npm run api:report` builds first)
//   node scripts/api-report.mjs --check    exits 1 when a report differs from the build
//   --reports <dir>                        reads and writes the reports in <dir> instead (tests)
// A change to a package's exports shows in review as a change to its report. A type the API
// reaches that no entry point of the package exports stays in the report as API Extractor's
// `ae-forgotten-export` warning; one that another entry point exports (the storage port, which
// the root reaches through `IntegrationStorage` and `/storage` exports) is not a warning.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';
import ts from 'typescript';
import { root } from './workspaces.mjs';

/** The packages with a report. */
const PACKAGES = ['packages/core'];

const check = process.argv.includes('--check');
const reportsAt = process.argv.indexOf('--reports');
const reportsOverride = reportsAt > 0 ? resolve(process.argv[reportsAt + 1] ?? '') : undefined;

/** Each entry point of a package: its subpath, the report's base name and its built declarations. */
function entryPoints(dir) {
  const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
  return Object.entries(manifest.exports)
    .filter(([, target]) => typeof target === 'object')
    .map(([subpath, target]) => ({
      name: manifest.name,
      subpath: subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`,
      report: subpath === '.' ? 'index' : subpath.slice(2),
      types: join(root, dir, target.import.types),
    }));
}

/** The names each entry point's declarations export. */
function exportedNames(files) {
  const program = ts.createProgram(files, {
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
  });
  const checker = program.getTypeChecker();
  const names = new Set();
  for (const file of files) {
    const module = checker.getSymbolAtLocation(program.getSourceFile(file));
    for (const symbol of module ? checker.getExportsOfModule(module) : []) names.add(symbol.name);
  }
  return names;
}

/** API Extractor's report of one entry point, written under `folder`; its problems, if any. */
function extract(dir, entry, folder) {
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: join(root, dir),
      newlineKind: 'lf',
      mainEntryPointFilePath: entry.types,
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            target: 'es2022',
            module: 'esnext',
            moduleResolution: 'bundler',
            lib: ['es2023', 'dom', 'dom.iterable'],
            types: ['node'],
            strict: true,
            skipLibCheck: true,
          },
          files: [entry.types],
        },
      },
      apiReport: {
        enabled: true,
        reportFileName: entry.report,
        reportFolder: folder,
        reportTempFolder: join(folder, 'temp'),
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: 'error' } },
        extractorMessageReporting: {
          default: { logLevel: 'error' },
          // Release tags (@public, @beta) are not used: an entry point's exports are its API.
          'ae-missing-release-tag': { logLevel: 'none' },
          // Comments are written for readers of the source, not for TSDoc.
          'ae-unresolved-link': { logLevel: 'none' },
          'ae-undocumented': { logLevel: 'none' },
          // Kept in the report (see the top of this file).
          'ae-forgotten-export': { logLevel: 'none', addToApiReportFile: true },
        },
        tsdocMessageReporting: { default: { logLevel: 'none' } },
      },
    },
    configObjectFullPath: join(root, dir, 'api-extractor.json'),
    packageJsonFullPath: join(root, dir, 'package.json'),
  });
  let problems = '';
  const result = Extractor.invoke(config, {
    localBuild: true,
    messageCallback(message) {
      message.handled = true;
      // The console messages say what happened to the report files; this script says that itself.
      if (message.category !== 'console' && (message.logLevel === 'error' || message.logLevel === 'warning')) {
        problems += `  ${message.formatMessageWithLocation(join(root, dir))}\n`;
      }
    },
  });
  if (!result.succeeded && !problems) problems = '  API Extractor did not succeed\n';
  return problems;
}

const FORGOTTEN = /^([ \t]*\/\/ )(?:Warning: |\S+:\d+:\d+ - )(\(ae-forgotten-export\) The symbol "([^"]+)".*\n)/gm;

/** The report without warnings about types another entry point exports, and without line numbers. */
function tidy(report, exported) {
  return report
    .replace(FORGOTTEN, (_line, indent, warning, name) => (exported.has(name) ? '' : `${indent}Warning: ${warning}`))
    .replace(/\/\/ Warnings were encountered during analysis:\n\/\/\n\n/, '');
}

const scratch = mkdtempSync(join(tmpdir(), 'api-report-'));
const stale = [];
try {
  for (const dir of PACKAGES) {
    const reportFolder = reportsOverride ?? join(root, dir, 'api');
    mkdirSync(reportFolder, { recursive: true });
    const entries = entryPoints(dir);
    for (const entry of entries) {
      if (!existsSync(entry.types)) {
        throw new Error(`${entry.types} is missing: build first (npm run api:report and npm test do).`);
      }
    }
    const exported = exportedNames(entries.map((entry) => entry.types));
    for (const entry of entries) {
      const folder = join(scratch, entry.report);
      const problems = extract(dir, entry, folder);
      if (problems) {
        process.stderr.write(`${entry.subpath}: API Extractor failed\n${problems}`);
        process.exitCode = 1;
        continue;
      }
      const file = `${entry.report}.api.md`;
      const report = tidy(readFileSync(join(folder, file), 'utf8'), exported);
      const current = existsSync(join(reportFolder, file)) ? readFileSync(join(reportFolder, file), 'utf8') : undefined;
      if (current === report) process.stdout.write(`${entry.subpath}: matches ${file}\n`);
      else if (check) stale.push(`${entry.subpath}: ${join(reportFolder, file)}`);
      else {
        writeFileSync(join(reportFolder, file), report);
        process.stdout.write(`${entry.subpath}: wrote ${file}\n`);
      }
    }
    // A report whose entry point is gone.
    const known = new Set(entries.map((entry) => `${entry.report}.api.md`));
    for (const file of readdirSync(reportFolder).filter((name) => name.endsWith('.api.md') && !known.has(name))) {
      if (check) stale.push(`${join(reportFolder, file)} (no such entry point)`);
      else rmSync(join(reportFolder, file));
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
if (stale.length > 0) {
  process.stderr.write(
    `The public API differs from its checked-in report:\n${stale.map((line) => `  ${line}\n`).join('')}` +
      'Run `npm run api:report` and commit the reports, so the change to the public API shows in review.\n',
  );
  process.exitCode = 1;
}
