import type { Faker } from '@faker-js/faker';
import type { z } from 'zod';
import type { EntitySink } from '../storage/batches.js';
import type { EntityDefinition, EntityInput } from './entities.js';
import { csvRow, optionalEmail, optionalText, requiredText } from './fields.js';

export interface CustomerRow extends Record<string, unknown> {
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

export const customerSchema: z.ZodType<CustomerRow, EntityInput> = csvRow({
  name: requiredText(255),
  email: optionalEmail,
  phone: optionalText(40),
  company: optionalText(255),
  address_line1: optionalText(255),
  city: optionalText(120),
  region: optionalText(120),
  postal_code: optionalText(20),
  country: optionalText(60),
});

function fakeCustomer(faker: Faker): EntityInput {
  const firstName = faker.person.firstName();
  const lastName = faker.person.lastName();
  return {
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
    // Customers have no natural key: the sync target keys them by the local id, as text.
    syncRecord: (row) => ({ ...row, id: String(row.id) }),
  };
}
