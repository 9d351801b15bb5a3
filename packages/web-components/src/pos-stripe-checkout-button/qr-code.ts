import { html } from 'lit';
import type qrcode from 'qrcode-generator';

/** Modules of blank border around the code, as scanners expect. */
const QUIET_ZONE = 4;

export type QrEncoder = typeof qrcode;

let encoder: Promise<QrEncoder> | undefined;

/**
 * The QR encoder, loaded on first use. It is the largest piece of the checkout button and only
 * needed once a checkout is open, so the browser bundle keeps it in a chunk of its own: pages
 * without a card checkout never download it.
 */
export function loadQrEncoder(): Promise<QrEncoder> {
  encoder ??= import('qrcode-generator').then((module) => module.default);
  // A failed download (the network blinked) is tried again next time.
  encoder.catch(() => {
    encoder = undefined;
  });
  return encoder;
}

/**
 * A QR code of `text` as an SVG fragment: one path of dark modules on a white square, scaled to
 * whatever size the host gives it. Error correction M: a phone scans it off a screen reliably.
 */
export function qrCodeSvg(qrcode: QrEncoder, text: string, label: string) {
  const code = qrcode(0, 'M');
  code.addData(text, 'Byte');
  code.make();
  const size = code.getModuleCount();
  let path = '';
  for (let row = 0; row < size; row++) {
    for (let column = 0; column < size; column++) {
      if (code.isDark(row, column)) path += `M${column} ${row}h1v1h-1z`;
    }
  }
  const outer = size + 2 * QUIET_ZONE;
  return html`<svg
    part="qr"
    class="qr"
    role="img"
    aria-label=${label}
    viewBox="${-QUIET_ZONE} ${-QUIET_ZONE} ${outer} ${outer}"
    shape-rendering="crispEdges"
    data-modules=${size}
  >
    <rect x=${-QUIET_ZONE} y=${-QUIET_ZONE} width=${outer} height=${outer} fill="#fff"></rect>
    <path d=${path} fill="#000"></path>
  </svg>`;
}
