import { html } from 'lit';
import qrcode from 'qrcode-generator';

/** Modules of blank border around the code, as scanners expect. */
const QUIET_ZONE = 4;

/**
 * A QR code of `text` as an SVG fragment: one path of dark modules on a white square, scaled to
 * whatever size the host gives it. Error correction M: a phone scans it off a screen reliably.
 */
export function qrCodeSvg(text: string, label: string) {
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
