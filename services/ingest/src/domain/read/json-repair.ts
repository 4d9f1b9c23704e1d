/**
 * Repairs the two lexical defects real DECP JSON carries and JSON.parse rejects:
 *  - bare `NaN`, `Infinity`, `-Infinity` tokens (Python/pandas exports) → `null`;
 *  - raw control characters: inside strings they are escaped (\u00XX), outside they are dropped.
 * Text inside strings is otherwise left untouched. Only called when JSON.parse has failed,
 * so the common path pays nothing.
 */
export function repairJsonText(text: string): { text: string; repaired: string[] } {
  const out: string[] = [];
  const repaired = new Set<string>();
  let inString = false;
  let escape = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    const code = ch.charCodeAt(0);
    if (inString) {
      if (escape) escape = false;
      else if (ch === '\\') escape = true;
      else if (ch === '"') inString = false;
      else if (code < 0x20) {
        out.push(`\\u${code.toString(16).padStart(4, '0')}`);
        repaired.add('control character');
        i++;
        continue;
      }
      out.push(ch);
      i++;
      continue;
    }
    if (ch === '"') inString = true;
    const bare = matchBareNumberToken(text, i);
    if (bare) {
      out.push('null');
      repaired.add(bare);
      i += bare.length;
      continue;
    }
    if (code < 0x20 && ch !== '\n' && ch !== '\r' && ch !== '\t') {
      repaired.add('control character');
      i++;
      continue;
    }
    out.push(ch);
    i++;
  }
  return { text: out.join(''), repaired: [...repaired] };
}

const BARE_TOKENS = ['-Infinity', 'Infinity', 'NaN'];

function matchBareNumberToken(text: string, i: number): string | null {
  for (const token of BARE_TOKENS) {
    if (text.startsWith(token, i) && !/[\w$]/.test(text[i + token.length] ?? '') && !/[\w$]/.test(text[i - 1] ?? '')) {
      return token;
    }
  }
  return null;
}

export type JsonParseResult = { ok: true; value: unknown; repaired: string[] } | { ok: false; error: string };

/** JSON.parse, then one repair attempt. */
export function parseJsonLenient(text: string): JsonParseResult {
  try {
    return { ok: true, value: JSON.parse(text), repaired: [] };
  } catch (first) {
    const fixed = repairJsonText(text);
    if (fixed.repaired.length === 0) return { ok: false, error: (first as Error).message };
    try {
      return { ok: true, value: JSON.parse(fixed.text), repaired: fixed.repaired };
    } catch (second) {
      return { ok: false, error: (second as Error).message };
    }
  }
}
