import { escapeHtml } from "~/modules/messaging/html";
import type { PageLanguage } from "~/modules/messaging/pages";

/**
 * The one-click rating pages shoppers open from an email (the inbox's CSAT survey, a care flow's check-in rating):
 * self-contained HTML (no script, no remote resource), every value escaped, 44 px targets. The link's score is
 * preselected and one button records it with an optional comment: recording needs that POST, since mail security
 * scanners open every link of an email and a GET that recorded would let a robot answer "1".
 */

const STYLE = `
  body { margin: 0; font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f6f6f7; color: #202223; }
  main { max-width: 32rem; margin: 10vh auto; padding: 2rem 1.5rem; background: #ffffff; border-radius: 12px; }
  h1 { font-size: 1.4rem; line-height: 1.3; margin: 0 0 1rem; }
  fieldset { border: 0; padding: 0; margin: 0 0 1rem; display: flex; gap: .5rem; flex-wrap: wrap; }
  label.score { display: inline-flex; align-items: center; justify-content: center; min-width: 44px; min-height: 44px;
    border: 1px solid #8a8a8a; border-radius: 8px; cursor: pointer; }
  label.score input { margin-right: .3rem; }
  textarea { width: 100%; min-height: 6rem; font: inherit; box-sizing: border-box; }
  button { min-height: 44px; padding: 0 1.25rem; font: inherit; font-weight: 600; color: #fff; background: #1f5199;
    border: 0; border-radius: 8px; cursor: pointer; margin-top: 1rem; }
`;

/** A page titled `title` around `body` (HTML the caller built from escaped values). */
export function scorePage(lang: PageLanguage, title: string, body: string): string {
  return `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

/** The form: the question, a 1-5 choice (the link's score checked), an optional comment and the send button. */
export function scoreFormPage(options: {
  lang: PageLanguage;
  title: string;
  question: string;
  commentPrompt: string;
  send: string;
  score: number | null;
  /** Shown as an alert above the choice (the form came back without a score). */
  problem?: string;
}): string {
  const scores = [1, 2, 3, 4, 5]
    .map(
      (value) =>
        `<label class="score"><input type="radio" name="score" value="${value}"${value === options.score ? " checked" : ""} required>${value}</label>`,
    )
    .join("");
  const problem = options.problem ? `<p role="alert" style="color:#8e1f0b">${escapeHtml(options.problem)}</p>` : "";
  return scorePage(
    options.lang,
    options.title,
    `<p>${escapeHtml(options.question)}</p>${problem}
<form method="post">
<fieldset><legend>1-5</legend>${scores}</fieldset>
<label for="comment">${escapeHtml(options.commentPrompt)}</label>
<textarea id="comment" name="comment" maxlength="2000"></textarea>
<button type="submit">${escapeHtml(options.send)}</button>
</form>`,
  );
}
