import type { Locator, Page } from 'playwright-core';
import decodeQR from 'qr/decode.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoPage, type DemoServer, openDemoPage, screenshot } from './harness.js';

let demo: DemoPage;
let server: DemoServer;
let page: Page;
let button: Locator;

/** The payment events the page fired, in order: name, order and the payment's status. */
const events = () =>
  demo.events.map(({ type, detail }) => ({
    type,
    order_id: detail.order_id,
    status: (detail.payment as { status: string }).status,
  }));

beforeAll(async () => {
  demo = await openDemoPage({
    record: ['pos-checkout-opened', 'pos-payment-paid', 'pos-payment-ended', 'pos-payment-refunded'],
  });
  ({ server, page } = demo);
  button = page.locator('pos-stripe-checkout-button');
  // Poll faster than the default two seconds to keep the test short.
  await button.evaluate((element) => {
    (element as HTMLElementTagNameMap['pos-stripe-checkout-button']).pollInterval = 300;
  });
});

afterAll(async () => {
  await demo?.close();
});

const orderId = async () => (await page.locator('#order-id').textContent()) ?? '';
const status = () => button.locator('[part~="status"]').textContent();

/** The QR code as the camera of a phone would see it: rendered to pixels, then decoded. */
async function scanQrCode(): Promise<string> {
  const image = await button.locator('svg[part="qr"]').evaluate(async (svg) => {
    const size = 400;
    const picture = new Image(size, size);
    picture.src = `data:image/svg+xml,${encodeURIComponent(new XMLSerializer().serializeToString(svg))}`;
    await picture.decode();
    const canvas = document.createElement('canvas');
    canvas.width = size;
    canvas.height = size;
    const context = canvas.getContext('2d') as CanvasRenderingContext2D;
    context.drawImage(picture, 0, 0, size, size);
    // Base64 crosses to the test far faster than an array of numbers.
    const pixels = context.getImageData(0, 0, size, size).data;
    let binary = '';
    for (const byte of pixels) binary += String.fromCharCode(byte);
    return { width: size, height: size, base64: btoa(binary) };
  });
  return decodeQR({ width: image.width, height: image.height, data: Buffer.from(image.base64, 'base64') });
}

describe('<pos-stripe-checkout-button> on the demo page', () => {
  it('offers no card payment while Stripe is not connected, and says so', async () => {
    expect(await orderId()).toMatch(/^ORDER-[0-9A-F]{8}$/);
    const note = button.locator('[part="not-connected"]');
    await note.waitFor();
    expect(await note.textContent()).toBe('Card payments need Stripe: connect Stripe to take them.');
    expect(await button.getByRole('button').count()).toBe(0);
    expect(await button.locator('[part="session"]').count()).toBe(0);
  });

  it('opens a checkout session, with its link and a QR code of the same link', async () => {
    // The merchant connects Stripe with the card on the same page; the button offers payment at once.
    const popupOpened = page.waitForEvent('popup');
    await page
      .locator('pos-integration-card[provider="stripe"]')
      .getByRole('button', { name: 'Connect Stripe' })
      .click();
    const consent = await popupOpened;
    await consent.getByRole('button', { name: 'Connect (simulated)' }).click();
    await consent.waitForEvent('close');

    await button.getByRole('button', { name: 'Pay $42.50 by card' }).click();
    expect(await button.locator('[part="not-connected"]').count()).toBe(0);
    const link = button.getByRole('link', { name: 'Open the checkout page' });
    await link.waitFor();
    const payment = await server.integrations.payments?.get('demo', await orderId());
    expect(payment).toMatchObject({ status: 'pending', amount: 4250, currency: 'usd' });
    expect(await link.getAttribute('href')).toBe(payment?.checkout_url);
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await button.getByRole('img', { name: 'QR code of the checkout link' }).count()).toBe(1);
    expect(await scanQrCode()).toBe(payment?.checkout_url);
    expect(await status()).toBe('Waiting for the payment…');
    expect(await button.getByRole('alert').count()).toBe(0);
    expect(events().at(-1)).toEqual({ type: 'pos-checkout-opened', order_id: await orderId(), status: 'pending' });
    await screenshot(page, 'checkout-qr', (await page.locator('#checkout').elementHandle()) ?? undefined);
  });

  it('turns paid when the customer pays on the hosted checkout page', async () => {
    const hostedOpened = page.waitForEvent('popup');
    await button.getByRole('link', { name: 'Open the checkout page' }).click();
    const hosted = await hostedOpened;
    await hosted.setViewportSize({ width: 900, height: 640 });
    await hosted.getByText('$42.50').waitFor();
    await screenshot(hosted, 'checkout-hosted');
    await hosted.getByRole('button', { name: 'Pay (simulated)' }).click();
    await hosted.getByRole('heading', { name: 'Payment received' }).waitFor();
    await hosted.close();

    await expect.poll(status).toBe('Paid $42.50.');
    expect(await button.locator('[part="session"]').count()).toBe(0);
    // No second checkout; a refund is offered instead.
    expect(await button.getByRole('button').allTextContents()).toEqual(['Refund…']);
    const paid = events().filter((event) => event.type === 'pos-payment-paid');
    expect(paid).toEqual([{ type: 'pos-payment-paid', order_id: await orderId(), status: 'paid' }]);
    expect(await server.integrations.payments?.get('demo', await orderId())).toMatchObject({ status: 'paid' });
    await page.getByRole('button', { name: 'Next order' }).waitFor();
    await screenshot(page, 'checkout-paid', (await page.locator('#checkout').elementHandle()) ?? undefined);
  });

  it('offers a new checkout after the customer cancels, for the next order', async () => {
    const paidOrder = await orderId();
    await page.getByRole('button', { name: 'Next order' }).click();
    expect(await orderId()).not.toBe(paidOrder);
    await button.getByRole('button', { name: 'Pay $42.50 by card' }).click();

    const hostedOpened = page.waitForEvent('popup');
    await button.getByRole('link', { name: 'Open the checkout page' }).click();
    const hosted = await hostedOpened;
    await hosted.getByRole('button', { name: 'Cancel' }).click();
    await hosted.getByRole('heading', { name: 'Checkout cancelled or expired' }).waitFor();
    await hosted.close();

    await expect.poll(status).toBe('The checkout expired or was cancelled.');
    expect(events().at(-1)).toEqual({ type: 'pos-payment-ended', order_id: await orderId(), status: 'expired' });
    await button.getByRole('button', { name: 'Start a new checkout' }).click();
    await button.getByRole('link', { name: 'Open the checkout page' }).waitFor();
    expect(await server.integrations.payments?.get('demo', await orderId())).toMatchObject({
      status: 'pending',
      attempt: 2,
    });

    // Back on the paid order: the element reads its payment and offers no second checkout.
    await button.evaluate((element, id) => {
      (element as HTMLElementTagNameMap['pos-stripe-checkout-button']).orderId = id;
    }, paidOrder);
    await expect.poll(status).toBe('Paid $42.50.');
    expect(await button.getByRole('button').allTextContents()).toEqual(['Refund…']);
    expect(events().filter((event) => event.type === 'pos-payment-paid')).toHaveLength(1);
  });

  it('refunds part of a paid order after a confirmation that says how much', async () => {
    // The element shows the paid order again (the test before pointed it there).
    const paidOrder = await button.evaluate(
      (element) => (element as HTMLElementTagNameMap['pos-stripe-checkout-button']).orderId,
    );
    await button.getByRole('button', { name: 'Refund…' }).click();
    const amount = button.getByRole('textbox', { name: 'Amount to refund (up to $42.50)' });
    expect(await amount.inputValue()).toBe('42.50');
    await amount.fill('10');
    await button.getByRole('button', { name: 'Review refund' }).click();
    const dialog = button.getByRole('dialog', { name: 'Refund this payment?' });
    await dialog.waitFor();
    expect(await dialog.locator('#confirm-body').textContent()).toBe(
      `$10.00 of the $42.50 paid for order ${paidOrder} goes back to the customer's card. $32.50 will remain refundable. This cannot be undone.`,
    );
    await screenshot(page, 'checkout-refund-confirm');
    await dialog.getByRole('button', { name: 'Refund $10.00' }).click();
    await expect.poll(status).toBe('Paid $42.50; $10.00 refunded.');
    expect(await server.integrations.payments?.get('demo', paidOrder)).toMatchObject({
      status: 'partially_refunded',
      refunded_amount: 1000,
    });
    const refunds = await server.integrations.payments?.refunds('demo', paidOrder);
    expect(refunds?.refunds.map((refund) => [refund.amount, refund.source])).toEqual([[1000, 'api']]);
    expect(events().at(-1)).toMatchObject({ type: 'pos-payment-refunded', status: 'partially_refunded' });
  });

  it('cancels an open checkout from the button, and then offers a new one', async () => {
    await button.evaluate((element) => {
      (element as HTMLElementTagNameMap['pos-stripe-checkout-button']).orderId = 'ORDER-CANCEL-1';
    });
    await button.getByRole('button', { name: 'Pay $42.50 by card' }).click();
    await button.getByRole('link', { name: 'Open the checkout page' }).waitFor();
    await button.getByRole('button', { name: 'Cancel checkout' }).click();
    await expect.poll(status).toBe('The checkout was cancelled; the customer can no longer pay with that link.');
    expect(await button.locator('[part="session"]').count()).toBe(0);
    expect(events().at(-1)).toEqual({ type: 'pos-payment-ended', order_id: 'ORDER-CANCEL-1', status: 'canceled' });
    const payment = await server.integrations.payments?.get('demo', 'ORDER-CANCEL-1');
    expect(payment?.status).toBe('canceled');
    await button.getByRole('button', { name: 'Start a new checkout' }).waitFor();
  });
});
