/**
 * Reads a response body as text, at most `maxBytes` of it: a longer body is abandoned (its
 * connection closed) and gives `undefined`, so a host cannot make the server hold an endless answer.
 */
export async function readBoundedText(response: Response, maxBytes: number): Promise<string | undefined> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return undefined;
      }
      chunks.push(value);
    }
  } catch {
    return undefined;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads and drops a body that is not wanted (up to 64 KiB; past that the connection is closed). */
export async function discardBody(response: Response): Promise<void> {
  await readBoundedText(response, 64 * 1024);
}

/**
 * A response's JSON body, at most `maxBytes` of it: `undefined` when the answer does not say it
 * is JSON (a web page: its text is dropped, never kept), is longer, or does not parse.
 */
export async function readBoundedJson(response: Response, maxBytes: number): Promise<unknown> {
  if (!/\bjson\b/i.test(response.headers.get('content-type') ?? '')) {
    await discardBody(response);
    return undefined;
  }
  const text = await readBoundedText(response, maxBytes);
  try {
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}
