export { CsvFormatError, CsvReader, type CsvReaderOptions } from './csv-reader.js';
export { csvCell, csvLine } from './csv-writer.js';
export { CUSTOMER_COLUMNS, type CustomerRow, customerSchema, customersEntity } from './customers.js';
export {
  builtInEntities,
  type EntityDefinition,
  type EntityInput,
  EntityRegistry,
  type EntityRow,
} from './entities.js';
export { BATCH_ID as BATCH_ID_PATTERN } from './ids.js';
export {
  currencyExponent,
  DECIMAL_MARKS,
  type DecimalMark,
  formatPrice,
  isCurrencyCode,
  MAX_PRICE_MINOR,
  type PriceResult,
  parsePrice,
} from './money.js';
export { PRESET_IDS } from './presets/index.js';
export { PRODUCT_COLUMNS, type ProductRow, productSchema, productsEntity } from './products.js';
export {
  Batches,
  type BatchesOptions,
  type BatchRun,
  type CsvExport,
  DEFAULT_BATCH_PAGE,
  DEFAULT_SEED_COUNT,
  MAX_BATCH_PAGE,
  MAX_ROW_ERRORS,
  MAX_SEED_COUNT,
  type PurgePlan,
  type PurgeResult,
  type SeedOptions,
  type UploadOptions,
} from './service.js';
export { type DataBatch, toDataBatch } from './view.js';
