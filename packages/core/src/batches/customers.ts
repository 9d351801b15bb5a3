import type { Faker } from '@faker-js/faker';
import type { z } from 'zod';
import type { EntitySink } from '../storage/batches.js';
import type { EntityDefinition, EntityInput } from './entities.js';
import { type CellRule, csvRow, Invalid, optionalEmail, optionalText, requiredText } from './fields.js';

export interface CustomerRow extends Record<string, unknown> {
  /**
   * The customer's stable id within the tenant (the `id` column of our CSV): kept when a file
   * gives one; null when it does not, and the storage then matches the row by e-mail or generates one.
   */
  customer_id: string | null;
  name: string;
  email: string | null;
  phone: string | null;
  company: string | null;
  address_line1: string | null;
  city: string | null;
  region: string | null;
  postal_code: string | null;
  country: string | null;
}

export const CUSTOMER_COLUMNS = [
  'id',
  'name',
  'email',
  'phone',
  'company',
  'address_line1',
  'city',
  'region',
  'postal_code',
  'country',
];

const CUSTOMER_ID = /^[\x21-\x7e]+$/;
const NOT_CUSTOMER_ID = new Invalid('must be letters, digits and punctuation, without spaces');

/** An optional id of up to 64 visible ASCII characters. */
const idText = optionalText(64);
const customerId: CellRule<string | null> = (text) => {
  const value = idText(text);
  return typeof value === 'string' && !CUSTOMER_ID.test(value) ? NOT_CUSTOMER_ID : value;
};

export const customerSchema: z.ZodType<CustomerRow, EntityInput> = csvRow<
  Record<string, CellRule<unknown>>,
  CustomerRow
>(
  {
    id: customerId,
    name: requiredText(255),
    email: optionalEmail,
    phone: optionalText(40),
    company: optionalText(255),
    address_line1: optionalText(255),
    city: optionalText(120),
    region: optionalText(120),
    postal_code: optionalText(20),
    country: optionalText(60),
  },
  // The file's `id` is stored as `customer_id`: `id` is the storage's own row number.
  (row) => {
    row.customer_id = row.id ?? null;
    delete row.id;
  },
);

function fakeCustomer(faker: Faker): EntityInput {
  const firstName = faker.person.firstName();
  const lastName = faker.person.lastName();
  return {
    // Drawn from the seed like the rest: seeding again with the same seed updates these customers.
    id: faker.string.hexadecimal({ length: 16, casing: 'lower', prefix: '' }),
    name: `${firstName} ${lastName}`,
    email: faker.internet.email({ firstName, lastName }).toLowerCase(),
    phone: faker.phone.number({ style: 'national' }),
    company: faker.helpers.maybe(() => faker.company.name(), { probability: 0.4 }) ?? '',
    address_line1: faker.location.streetAddress(),
    city: faker.location.city(),
    region: faker.location.state({ abbreviated: true }),
    postal_code: faker.location.zipCode('#####'),
    country: 'US',
  };
}

export function customersEntity(sink: EntitySink<CustomerRow>): EntityDefinition<CustomerRow> {
  return {
    type: 'customers',
    columns: CUSTOMER_COLUMNS,
    requiredColumns: ['name'],
    schema: customerSchema,
    sink,
    fake: fakeCustomer,
    format: ({ customer_id, ...row }) => ({ ...row, id: customer_id }),
    // The sync target keys customers by their id (`id`; customers stored before ids existed
    // got their old local row number, as text, which is what the sync target held).
    syncRecord: ({ id: _rowId, customer_id, ...row }) => ({ ...row, id: customer_id }),
  };
}
