-- POS Integrations → Supabase: the tables the sync outbox writes to.
-- Run once in the SQL editor of your Supabase project (safe to run again).
--
-- Every row carries the POS tenant it belongs to, and every primary key starts with it, so one
-- project can hold several stores. Money is in minor units (cents). Row level security is on
-- with no policies: only a secret key (or the legacy service_role key) can read or write these
-- tables through the API; publishable and anon keys see nothing.

create table if not exists public.pos_products (
  tenant_id   text   not null,
  sku         text   not null,
  name        text   not null,
  price       bigint not null,
  currency    text   not null,
  category    text,
  stock       integer,
  barcode     text,
  description text,
  batch_id    text,
  created_at  timestamptz,
  primary key (tenant_id, sku)
);

create table if not exists public.pos_customers (
  tenant_id     text not null,
  id            text not null,
  name          text not null,
  email         text,
  phone         text,
  company       text,
  address_line1 text,
  city          text,
  region        text,
  postal_code   text,
  country       text,
  batch_id      text,
  created_at    timestamptz,
  primary key (tenant_id, id)
);

create table if not exists public.pos_payments (
  tenant_id    text   not null,
  order_id     text   not null,
  id           text   not null,
  provider     text   not null,
  provider_ref text,
  amount       bigint not null,
  currency     text   not null,
  status       text   not null,
  attempt      integer,
  expires_at   timestamptz,
  created_at   timestamptz,
  updated_at   timestamptz,
  refunded_amount bigint,
  dispute_status  text,
  primary key (tenant_id, order_id)
);
-- Projects set up before refunds and disputes: the columns they added.
alter table public.pos_payments add column if not exists refunded_amount bigint;
alter table public.pos_payments add column if not exists dispute_status text;

alter table public.pos_products  enable row level security;
alter table public.pos_customers enable row level security;
alter table public.pos_payments  enable row level security;

revoke all on public.pos_products, public.pos_customers, public.pos_payments from anon, authenticated;
grant select, insert, update, delete on public.pos_products, public.pos_customers, public.pos_payments to service_role;

-- Make the new tables visible to the API at once.
notify pgrst, 'reload schema';
