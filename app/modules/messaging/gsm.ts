/**
 * SMS length rules, as pure functions (3GPP TS 23.038 / 23.040).
 *
 * A text that fits the GSM-7 alphabet travels as 7-bit septets: 160 per single SMS, 153 per part once it is split
 * (the user-data header takes the rest). Characters of the GSM extension table (€ [ ] { } \ ^ ~ | and form feed)
 * cost two septets (an escape plus the character) and an escape pair is never split across parts. One character
 * outside the alphabet (an emoji, a curly apostrophe, "ç", "ê") switches the whole text to UCS-2: 70 UTF-16 code
 * units per single SMS, 67 per part, and a surrogate pair is never split. Carriers bill per part, and US carriers
 * filter long concatenations, so recovery texts stay short and within a set number of parts.
 */

const GSM_BASIC = new Set(
  Array.from(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
      "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
  ),
);
const GSM_EXTENSION = new Set(Array.from("\f^{}\\[~]|€"));

export type SmsEncoding = "GSM-7" | "UCS-2";

export interface SmsLength {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
}

export const SEGMENT_LIMITS: Record<SmsEncoding, { single: number; part: number }> = {
  "GSM-7": { single: 160, part: 153 },
  "UCS-2": { single: 70, part: 67 },
};

export function isGsm7(text: string): boolean {
  for (const char of text) {
    if (!GSM_BASIC.has(char) && !GSM_EXTENSION.has(char)) return false;
  }
  return true;
}

/** Cost of each character in the text's encoding: septets for GSM-7, UTF-16 code units for UCS-2. */
function unitCosts(text: string, encoding: SmsEncoding): number[] {
  return Array.from(text, (char) => (encoding === "GSM-7" ? (GSM_EXTENSION.has(char) ? 2 : 1) : char.length));
}

export function measureSms(text: string): SmsLength {
  const encoding: SmsEncoding = isGsm7(text) ? "GSM-7" : "UCS-2";
  const costs = unitCosts(text, encoding);
  const units = costs.reduce((sum, cost) => sum + cost, 0);
  const limits = SEGMENT_LIMITS[encoding];
  if (units === 0) return { encoding, units, segments: 0 };
  if (units <= limits.single) return { encoding, units, segments: 1 };
  // Fill parts character by character: an escape pair or a surrogate pair that does not fit starts a new part.
  let segments = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > limits.part) {
      segments += 1;
      used = 0;
    }
    used += cost;
  }
  return { encoding, units, segments };
}

export function countSmsSegments(text: string): number {
  return measureSms(text).segments;
}

/**
 * Typography that editors and templates introduce but that has a GSM-7 twin. One curly apostrophe would otherwise
 * halve the room in the message (UCS-2). Letters are never changed: a shopper's name is spelt as they spell it.
 */
const GSM_FRIENDLY: Array<[RegExp, string]> = [
  [/[\u2018\u2019\u201A\u201B\u2032]/g, "'"],
  [/[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/g, '"'],
  [/[\u2010-\u2015\u2212]/g, "-"],
  [/\u2026/g, "..."],
  [/[\u00A0\u2000-\u200A\u202F\u205F\u3000]/g, " "],
  [/[\u200B-\u200D\u2060\uFEFF]/g, ""],
  [/\u2022/g, "-"],
];

export function normalizeForGsm(text: string): string {
  return GSM_FRIENDLY.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement), text);
}

const OPT_OUT_NOTICES: Record<string, string> = {
  en: "Reply STOP to opt out",
  fr: "Répondez STOP pour vous désabonner",
};

export function optOutNotice(locale: string | null | undefined): string {
  const language = (locale ?? "en").toLowerCase().split(/[-_]/)[0];
  return OPT_OUT_NOTICES[language] ?? OPT_OUT_NOTICES.en;
}

export interface ComposeSmsOptions {
  shopName: string;
  locale?: string | null;
  /**
   * Append the opt-out instruction. Recovery texts are marketing: French rules want it in every marketing SMS and
   * US carriers (CTIA) want it at least in the first message of a program, so the default is on.
   */
  optOut?: boolean;
  /** Sign with the shop's name unless the text already names the shop: a recipient must know who is texting. */
  signWithShopName?: boolean;
  /** Longest message allowed, in parts (default 2). */
  maxSegments?: number;
  /** Replace typographic quotes, dashes and ellipses with their GSM-7 twins (default on). */
  gsmFriendly?: boolean;
}

export interface ComposedSms {
  body: string;
  /** Words were removed from the end of the text to fit `maxSegments`. */
  truncated: boolean;
  length: SmsLength;
}

const ELLIPSIS = "...";
const URL_TOKEN = /^(https?:\/\/|www\.)/i;
const WHITESPACE = /^\s+$/;

/**
 * The text as it should be sent: signed with the shop name, with the opt-out instruction, within `maxSegments`.
 * When the text is too long, whole words are removed from its end (never the shop name or the opt-out notice, and
 * never part of a link: links are kept whole, the words around them go first).
 */
export function composeSms(text: string, options: ComposeSmsOptions): ComposedSms {
  const maxSegments = options.maxSegments ?? 2;
  const prepare = (value: string) => (options.gsmFriendly === false ? value : normalizeForGsm(value));
  const main = prepare(text.trim());
  const shopName = prepare(options.shopName.trim());

  const footer: string[] = [];
  if ((options.signWithShopName ?? true) && shopName && !main.toLowerCase().includes(shopName.toLowerCase())) {
    footer.push(`- ${shopName}`);
  }
  if ((options.optOut ?? true) && !/\bSTOP\b/.test(main)) footer.push(optOutNotice(options.locale));
  const render = (body: string) => [body, ...footer].filter(Boolean).join("\n");

  let body = render(main);
  let length = measureSms(body);
  if (length.segments <= maxSegments) return { body, truncated: false, length };

  const tokens = main.match(/\s+|\S+/g) ?? [];
  const isRemovable = (token: string) => !WHITESPACE.test(token) && !URL_TOKEN.test(token) && token !== ELLIPSIS;
  while (length.segments > maxSegments) {
    const index = findLastIndex(tokens, isRemovable);
    if (index < 0) {
      throw new RangeError(
        `The SMS cannot fit in ${maxSegments} part(s) even without its text (links, shop name, notice)`,
      );
    }
    const nextWord = tokens.findIndex((token, i) => i > index && !WHITESPACE.test(token));
    if (nextWord >= 0 && tokens[nextWord] === ELLIPSIS) {
      // Merge into the ellipsis already standing for the words after it.
      tokens.splice(index, nextWord - index);
    } else {
      tokens[index] = ELLIPSIS;
    }
    body = render(tokens.join("").trim());
    length = measureSms(body);
  }
  return { body, truncated: true, length };
}

function findLastIndex<T>(items: T[], predicate: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (predicate(items[i])) return i;
  return -1;
}
