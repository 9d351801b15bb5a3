export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * The frame of every simulated provider page: a red SIMULATION banner above a card. `banner`
 * and `main` are HTML the caller escaped; `accent` colours the button whose value is `primary`.
 */
export function simulatedPage(page: { title: string; banner: string; main: string; primary: string; accent: string }) {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="robots" content="noindex">
    <title>${page.title}</title>
    <style>
      body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f4f4f5; color: #18181b; }
      .banner { background: #b91c1c; color: #fff; padding: 12px 20px; font-weight: 700; text-align: center; }
      main { max-width: min(30rem, calc(100% - 1.5rem)); margin: clamp(1rem, 6vw, 3rem) auto; background: #fff; border-radius: 12px; padding: clamp(1rem, 5vw, 2rem); box-shadow: 0 1px 4px #0002; }
      h1 { overflow-wrap: anywhere; }
      .actions { display: flex; flex-wrap: wrap; gap: 1rem; margin-top: 2rem; }
      button { font: inherit; padding: 0.6rem 1.2rem; border-radius: 8px; border: 1px solid #a1a1aa; cursor: pointer; }
      button[value="${page.primary}"] { background: ${page.accent}; border-color: ${page.accent}; color: #fff; }
      code { background: #f4f4f5; padding: 0 4px; border-radius: 4px; overflow-wrap: anywhere; }
      .amount { font-size: 2rem; font-weight: 700; margin: 0.5rem 0 1.5rem; }
      .note { color: #52525b; font-size: 0.9rem; }
    </style>
  </head>
  <body>
    <div class="banner" role="alert">${page.banner}</div>
    <main>
${page.main}
    </main>
  </body>
</html>
`;
}
