import { IntegrationError } from '../../errors.js';
import type { EntityDefinition } from '../entities.js';
import { posPreset } from './pos.js';
import type { Header, Preset } from './preset.js';
import { shopifyPreset } from './shopify.js';
import { squarePreset } from './square.js';
import { wooCommercePreset } from './woocommerce.js';

export { Header, type Preset, type PresetContext, type PresetOpening, type RowMapper, RowProblem } from './preset.js';

/** In detection order: the specific exports first, our own format last. */
export const PRESETS: readonly Preset[] = [shopifyPreset, wooCommercePreset, squarePreset, posPreset];

export const PRESET_IDS = PRESETS.map((preset) => preset.id);

export function presetsFor(entity: EntityDefinition): Preset[] {
  return PRESETS.filter((preset) => !preset.entityTypes || preset.entityTypes.includes(entity.type));
}

/**
 * The other systems' exports a file of this entity type may be, as the end of a sentence
 * (" or a Shopify, WooCommerce or Square export"); empty when only our own format applies.
 */
export function otherExportsText(entity: EntityDefinition): string {
  const systems = presetsFor(entity).flatMap((preset) => (preset.system ? [preset.system] : []));
  const last = systems.pop();
  if (last === undefined) return '';
  return ` or a ${systems.length > 0 ? `${systems.join(', ')} or ` : ''}${last} export`;
}

/** The preset named by an upload, checked against the entity type. */
export function requirePreset(id: string, entity: EntityDefinition): Preset {
  const preset = presetsFor(entity).find((candidate) => candidate.id === id);
  if (!preset) {
    const allowed = presetsFor(entity)
      .map((candidate) => candidate.id)
      .join(', ');
    throw new IntegrationError(
      'VALIDATION_FAILED',
      `Preset "${id}" does not apply to ${entity.type}: use ${allowed}.`,
      {
        details: { issues: [{ field: 'preset', message: `must be one of ${allowed}` }] },
      },
    );
  }
  return preset;
}

/** The first preset whose files look like this header. */
export function detectPreset(header: Header, entity: EntityDefinition): Preset | undefined {
  return presetsFor(entity).find((preset) => preset.detect(header, entity));
}
