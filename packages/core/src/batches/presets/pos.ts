import { unescapeFormula } from '../text.js';
import { type Header, missingColumns, type Preset, type PresetContext, type PresetOpening } from './preset.js';

/** Our own format: the entity's field names as headers, in any order (what the export writes). */
export const posPreset: Preset = {
  id: 'pos',
  label: 'POS Integrations CSV (our own headers)',
  detect: (header, entity) => entity.requiredColumns.every((column) => header.has(column)),
  open(header: Header, { entity, defaults }: PresetContext): PresetOpening {
    const errors = missingColumns(header, entity.requiredColumns);
    if (errors.length > 0) return { errors };
    const fields = entity.columns.filter((column) => header.has(column));
    const positions = fields.map((field) => header.index(field));
    const fallbacks = Object.entries(defaults).filter(([field]) => entity.columns.includes(field));
    const known = new Set(entity.columns);
    return {
      unknownColumns: header.unknown((name) => known.has(name)),
      mapper: {
        columnOf: (field) => header.name(field),
        map(record) {
          const input: Record<string, string> = {};
          for (let index = 0; index < fields.length; index++) {
            input[fields[index] as string] = unescapeFormula(record[positions[index] as number] as string);
          }
          for (const [field, value] of fallbacks) if (!input[field]?.trim()) input[field] = value;
          return input;
        },
      },
    };
  },
};
