import { Parser } from "htmlparser2";
import { escapeHtml } from "~/modules/messaging/html";

/**
 * How a shopper's message is shown in the admin. Pure functions; the raw body stays stored untouched.
 *
 * - `trimQuotedText`: the part of an email reply the shopper actually wrote (quoted history, "On … wrote:" headers
 *   and signatures removed), with a flag so the view can offer the full text.
 * - `sanitizeEmailHtml`: an allowlist re-serialisation of an HTML body. The output is built from parsed tokens, so
 *   nothing from the input reaches it unescaped: no scripts, styles, forms, iframes, event handlers, `javascript:`
 *   URLs, and remote images replaced by a placeholder unless the merchant asked to load them.
 * - `parseAttachments`: the stored attachment metadata, validated (names and types only, never content).
 */

// ---------------------------------------------------------------------------------------------------------------
// Quoted text and signatures

/** Lines that start the quoted history in common clients (Gmail, Apple Mail, Outlook, Thunderbird; en and fr). */
const QUOTE_HEADERS: RegExp[] = [
  /^On\b.{0,300}\bwrote:\s*$/i,
  /^Le\b.{0,300}\ba écrit\s*:\s*$/i,
  /^-{2,}\s*Original Message\s*-{2,}\s*$/i,
  /^-{2,}\s*Message d'origine\s*-{2,}\s*$/i,
  /^_{10,}\s*$/,
  /^From:\s.+$/i,
  /^De\s*:\s.+$/i,
  /^Sent from my \w+/i,
  /^Envoyé de mon \w+/i,
];

export interface TrimmedText {
  /** What the shopper wrote. */
  text: string;
  /** True when something (quote, signature) was removed. */
  trimmed: boolean;
}

export function trimQuotedText(body: string): TrimmedText {
  const lines = body.replace(/\r\n?/g, "\n").split("\n");
  let end = lines.length;
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index].trim();
    // "-- " is the standard signature separator (RFC 3676); "--" alone is what most clients actually send.
    if (line === "--" || lines[index] === "-- " || QUOTE_HEADERS.some((pattern) => pattern.test(line))) {
      end = index;
      break;
    }
    if (line.startsWith(">")) {
      // A block of quoted lines: cut here if everything after is quoted or blank (inline answers are kept).
      const rest = lines.slice(index).filter((candidate) => candidate.trim() !== "");
      if (rest.every((candidate) => candidate.trim().startsWith(">"))) {
        end = index;
        break;
      }
    }
  }
  // "On Tue, 3 Nov 2026 at 10:02, Léa <lea@…>" wrapped over two lines: drop a dangling "On …" line too.
  while (end > 0 && /^(On|Le)\b.{0,300}$/i.test(lines[end - 1].trim()) && end < lines.length) {
    if (!/(wrote|écrit)/i.test(lines.slice(end - 1, end + 1).join(" "))) break;
    end -= 1;
  }
  const text = lines.slice(0, end).join("\n").trim();
  if (text === "") return { text: body.trim(), trimmed: false };
  return { text, trimmed: end < lines.length };
}

// ---------------------------------------------------------------------------------------------------------------
// HTML

const ALLOWED_TAGS = new Set([
  "a",
  "b",
  "blockquote",
  "br",
  "code",
  "div",
  "em",
  "h1",
  "h2",
  "h3",
  "h4",
  "hr",
  "i",
  "img",
  "li",
  "ol",
  "p",
  "pre",
  "s",
  "small",
  "span",
  "strong",
  "sub",
  "sup",
  "table",
  "tbody",
  "td",
  "th",
  "thead",
  "tr",
  "u",
  "ul",
]);
const VOID_TAGS = new Set(["br", "hr", "img"]);
/** Content that must disappear entirely, not just lose its tags. */
const DROP_WITH_CONTENT = new Set([
  "script",
  "style",
  "head",
  "title",
  "iframe",
  "object",
  "embed",
  "noscript",
  "template",
  "svg",
  "math",
  "form",
  "textarea",
  "select",
  "button",
]);
const ALLOWED_ATTRIBUTES: Record<string, Set<string>> = {
  a: new Set(["href", "title"]),
  img: new Set(["src", "alt", "width", "height"]),
  td: new Set(["colspan", "rowspan"]),
  th: new Set(["colspan", "rowspan"]),
};

export interface SanitizeOptions {
  /** Load remote (http/https) images. Off by default: a remote image tells the sender the mail was read. */
  loadRemoteImages?: boolean;
}

export interface SanitizedHtml {
  html: string;
  /** How many remote images were held back (the view offers "load images" when > 0). */
  blockedImages: number;
}

function safeLinkHref(value: string): string | null {
  // Browsers ignore control characters and whitespace inside a scheme ("java\tscript:"), so compare without them.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be ignored
  const compact = value.replace(/[\u0000-\u0020\u007f-\u009f]+/g, "").toLowerCase();
  if (/^(https?:|mailto:|tel:)/.test(compact)) return value.trim();
  return null;
}

function isRemoteImage(value: string): boolean {
  // eslint-disable-next-line no-control-regex -- as above
  return /^(https?:)?\/\//i.test(value.replace(/[\u0000-\u0020]+/g, ""));
}

export function sanitizeEmailHtml(input: string, options: SanitizeOptions = {}): SanitizedHtml {
  const out: string[] = [];
  const open: string[] = [];
  let dropDepth = 0;
  let blockedImages = 0;

  const parser = new Parser(
    {
      onopentag(rawName, attributes) {
        const name = rawName.toLowerCase();
        if (dropDepth > 0 || DROP_WITH_CONTENT.has(name)) {
          if (!VOID_TAGS.has(name)) dropDepth += 1;
          return;
        }
        if (!ALLOWED_TAGS.has(name)) return;
        const allowed = ALLOWED_ATTRIBUTES[name] ?? new Set<string>();
        const kept: string[] = [];
        for (const [rawAttribute, value] of Object.entries(attributes)) {
          const attribute = rawAttribute.toLowerCase();
          if (!allowed.has(attribute)) continue;
          if (attribute === "href") {
            const href = safeLinkHref(value);
            if (href) kept.push(`href="${escapeHtml(href)}"`);
            continue;
          }
          if (attribute === "src") continue;
          if ((attribute === "width" || attribute === "height") && !/^\d{1,4}$/.test(value.trim())) continue;
          if ((attribute === "colspan" || attribute === "rowspan") && !/^\d{1,2}$/.test(value.trim())) continue;
          kept.push(`${attribute}="${escapeHtml(value)}"`);
        }
        if (name === "a" && kept.some((attribute) => attribute.startsWith("href="))) {
          kept.push('rel="noopener noreferrer nofollow"', 'target="_blank"');
        }
        if (name === "img") {
          const src = attributes.src ?? "";
          if (options.loadRemoteImages && /^https:\/\//i.test(src.trim())) {
            kept.push(`src="${escapeHtml(src.trim())}"`, 'referrerpolicy="no-referrer"', 'loading="lazy"');
          } else {
            // Remote images are held back; cid: and data: images are not shown either (not served by Kindly).
            if (isRemoteImage(src)) blockedImages += 1;
            const alt = attributes.alt?.trim();
            out.push(`<span class="kindly-image-placeholder">[${escapeHtml(alt ? `image: ${alt}` : "image")}]</span>`);
            return;
          }
        }
        out.push(`<${name}${kept.length ? ` ${kept.join(" ")}` : ""}>`);
        if (!VOID_TAGS.has(name)) open.push(name);
      },
      ontext(text) {
        if (dropDepth === 0) out.push(escapeHtml(text));
      },
      onclosetag(rawName, isImplied) {
        const name = rawName.toLowerCase();
        if (dropDepth > 0) {
          if (!VOID_TAGS.has(name)) dropDepth -= 1;
          return;
        }
        if (!ALLOWED_TAGS.has(name) || VOID_TAGS.has(name)) return;
        const at = open.lastIndexOf(name);
        if (at < 0) return;
        // Close whatever was left open inside it, so the output is always well nested.
        while (open.length > at) out.push(`</${open.pop()}>`);
        void isImplied;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: true },
  );
  parser.write(input);
  parser.end();
  while (open.length > 0) out.push(`</${open.pop()}>`);
  return { html: out.join(""), blockedImages };
}

// ---------------------------------------------------------------------------------------------------------------
// Attachments

export interface AttachmentInfo {
  filename: string;
  contentType: string;
  size: number;
}

export function parseAttachments(json: string | null): AttachmentInfo[] {
  if (!json) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((item: unknown) => {
    if (typeof item !== "object" || item === null) return [];
    const { filename, contentType, size } = item as Record<string, unknown>;
    return [
      {
        filename: typeof filename === "string" && filename.trim() ? filename.slice(0, 200) : "(unnamed)",
        contentType: typeof contentType === "string" ? contentType.slice(0, 100) : "application/octet-stream",
        size: typeof size === "number" && Number.isFinite(size) && size >= 0 ? size : 0,
      },
    ];
  });
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(size < 10 * 1024 ? 1 : 0)} KB`;
  return `${(size / (1024 * 1024)).toFixed(1)} MB`;
}
