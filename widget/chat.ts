/**
 * Kindly's storefront chat widget. Plain DOM, no framework; `npm run build:widget` compiles it to
 * extensions/kindly-storefront/assets/chat.js (10,000 bytes at most; a test fails if the asset is stale).
 *
 * The app embed (blocks/chat-embed.liquid) renders the launcher button and a few lines that load this file on the
 * shopper's first sign of intent (hover, focus, click) or after the merchant's greeting delay. Nothing here runs
 * before that. Everything the shop or a shopper wrote is put in the page with text nodes, never as HTML.
 */

interface ChatMessage {
  id: string;
  author: "SHOPPER" | "STAFF";
  authorName: string | null;
  body: string;
  kind: "MESSAGE" | "CSAT_REQUEST";
}

interface PollAnswer {
  online: boolean;
  greeting: string | null;
  messages: ChatMessage[];
  cursor: string | null;
  csat: "REQUESTED" | "ANSWERED" | null;
}

interface Shipment {
  status: string | null;
  tracking: Array<{ company: string | null; number: string | null; url: string | null }>;
}

interface OrderAnswer {
  order: { name: string; status: string; statusPageUrl: string | null; shipments: Array<Shipment & { label: string }> };
}

type Attrs = Record<string, string | boolean | undefined>;

const STORAGE_KEY = "kindly-chat";
const MIN_POLL_MS = 3_000;
const MAX_POLL_MS = 30_000;
const MAX_CHARS = 2_000;

/** An element with attributes and children; strings become text nodes, so nothing is ever parsed as HTML. */
function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const name in attrs) {
    const value = attrs[name];
    if (value !== undefined && value !== false) element.setAttribute(name, value === true ? "" : value);
  }
  element.append(...children);
  return element;
}

function storage(key: string, value?: string | null): string | null {
  try {
    if (value === undefined) return localStorage.getItem(key);
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Storage can be disabled (privacy modes); the chat still works for this page.
  }
  return null;
}

/** Only http(s) links are made clickable (the server filters too). */
const safeUrl = (url: string | null) => (url && /^https?:\/\//i.test(url) ? url : null);

function start(root: HTMLElement): void {
  root.dataset.ready = "1";
  const data = root.dataset;
  const t = (key: string) => data["t" + key] ?? "";
  const base = data.proxy ?? "/apps/kindly";
  const locale = data.locale || document.documentElement.lang || "en";
  const launcher = root.querySelector("button") as HTMLButtonElement;

  let token = storage(STORAGE_KEY);
  let cursor: string | null = null;
  let online = false;
  let isOpen = false;
  let ready: Promise<unknown> | null = null;
  let pollTimer = 0;
  let pollDelay = MIN_POLL_MS;
  let faqTimer = 0;
  let faqAbort: AbortController | null = null;
  const seen = new Set<string>();

  async function call<T>(path: string, body: object | null): Promise<T> {
    const response = await fetch(`${base}/${path}`, {
      method: body ? "POST" : "GET",
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const answer = await response.json().catch(() => ({}));
    if (answer.token) storage(STORAGE_KEY, (token = answer.token));
    if (response.status === 401 && token) {
      // An expired or foreign token: start over as a new visitor rather than failing forever.
      storage(STORAGE_KEY, (token = null));
      cursor = null;
    }
    if (!response.ok) throw Object.assign(new Error(answer.error || "error"), { retry: answer.retryAfterSeconds });
    return answer as T;
  }

  // ---- The panel -------------------------------------------------------------------------------------------------
  const title = h("h2", { id: "kc-title" }, t("Title"));
  const closeButton = h("button", { type: "button", class: "kc-x", "aria-label": t("Close") }, "×");
  const intro = h("p", { class: "kc-intro" });
  const log = h("ol", { class: "kc-log", role: "log", "aria-live": "polite", "aria-label": t("Log") });
  const suggestions = h("ul", { class: "kc-faq" });
  const suggestionBox = h("div", { hidden: true }, h("p", { class: "kc-small" }, t("Faq")), suggestions);
  const status = h("p", { class: "kc-status", role: "status" });

  const field = (id: string, label: string, control: HTMLElement) =>
    h("div", { class: "kc-field" }, h("label", { for: id }, label), control);
  const message = h("textarea", { id: "kc-msg", rows: "3", maxlength: String(MAX_CHARS), required: true });
  const name = h("input", { id: "kc-name", autocomplete: "name", maxlength: "100" });
  const email = h("input", { id: "kc-email", type: "email", autocomplete: "email", maxlength: "254" });
  const emailLabel = h("label", { for: "kc-email" });
  const contact = h("div", {}, field("kc-name", t("Name"), name), h("div", { class: "kc-field" }, emailLabel, email));
  const sendButton = h("button", { type: "submit", class: "kc-btn" }, t("Send"));
  const chatForm = h(
    "form",
    { class: "kc-form", novalidate: true },
    field("kc-msg", t("Msg"), message),
    contact,
    sendButton,
  );

  const csatForm = h("form", { class: "kc-form", hidden: true });
  const orderNumber = h("input", { id: "kc-on", inputmode: "numeric", autocomplete: "off", required: true });
  const orderEmail = h("input", { id: "kc-oe", type: "email", autocomplete: "email", required: true });
  const orderResult = h("div", { class: "kc-order", role: "status" });
  const orderForm = h(
    "form",
    { class: "kc-form", novalidate: true },
    field("kc-on", t("OrderNo"), orderNumber),
    field("kc-oe", t("OrderEmail"), orderEmail),
    h("button", { type: "submit", class: "kc-btn" }, t("Lookup")),
  );
  const toOrders = h("button", { type: "button", class: "kc-link" }, t("Track"));
  const toChat = h("button", { type: "button", class: "kc-link" }, t("Back"));
  const chatView = h("div", {}, intro, log, csatForm, suggestionBox, chatForm, toOrders);
  const orderView = h("div", { hidden: true }, h("h3", {}, t("Track")), orderForm, orderResult, toChat);
  const panel = h(
    "div",
    {
      class: "kc-panel",
      id: "kindly-chat-panel",
      role: "dialog",
      "aria-modal": "true",
      "aria-labelledby": "kc-title",
      hidden: true,
    },
    h("div", { class: "kc-head" }, title, closeButton),
    h("div", { class: "kc-body" }, chatView, orderView, status),
  );
  root.append(panel);
  launcher.setAttribute("aria-controls", panel.id);

  const say = (text: string) => (status.textContent = text);
  const errorText = (error: unknown) => {
    const code = error instanceof Error ? error.message : "";
    if (!navigator.onLine || code === "Failed to fetch") return t("Offline");
    return t(
      { rate_limited: "Busy", message_too_long: "Long", email_required: "EmailReq", not_found: "NotFound" }[code] ??
        "Error",
    );
  };

  function showContactFields(needEmail: boolean) {
    contact.hidden = Boolean(token) && !needEmail;
    email.required = needEmail;
    emailLabel.textContent = t(needEmail ? "EmailReq" : "Email");
  }

  function add(entry: ChatMessage) {
    if (seen.has(entry.id)) return;
    seen.add(entry.id);
    const mine = entry.author === "SHOPPER";
    const who = mine ? t("You") : entry.authorName || t("Staff");
    log.append(
      h("li", { class: mine ? "kc-me" : "kc-them" }, h("span", { class: "kc-small" }, who), h("p", {}, entry.body)),
    );
    log.scrollTop = log.scrollHeight;
  }

  function showCsat() {
    if (!csatForm.hidden || csatForm.dataset.done) return;
    const choices = [1, 2, 3, 4, 5].map((score) =>
      h(
        "label",
        { class: "kc-score" },
        h("input", { type: "radio", name: "kc-score", value: String(score), required: true }),
        String(score),
      ),
    );
    const comment = h("textarea", { id: "kc-cc", rows: "2", maxlength: String(MAX_CHARS) });
    csatForm.replaceChildren(
      h("fieldset", {}, h("legend", {}, t("Csat")), h("div", { class: "kc-scores" }, ...choices)),
      field("kc-cc", t("CsatComment"), comment),
      h("button", { type: "submit", class: "kc-btn" }, t("CsatSend")),
    );
    csatForm.hidden = false;
    csatForm.onsubmit = async (event) => {
      event.preventDefault();
      const picked = csatForm.querySelector<HTMLInputElement>("input:checked");
      if (!picked) return say(t("CsatPick"));
      try {
        await call("chat/csat", { token, score: Number(picked.value), comment: comment.value });
        csatForm.dataset.done = "1";
        csatForm.replaceChildren(h("p", {}, t("CsatThanks")));
        say(t("CsatThanks"));
      } catch (error) {
        say(errorText(error));
      }
    };
  }

  function apply(answer: PollAnswer) {
    online = answer.online;
    intro.textContent = t(online ? "Online" : "Away");
    answer.messages.forEach(add);
    cursor = answer.cursor ?? cursor;
    if (answer.csat === "REQUESTED" && answer.messages.some((m) => m.kind === "CSAT_REQUEST")) showCsat();
    return answer;
  }

  async function poll() {
    clearTimeout(pollTimer);
    try {
      const before = seen.size;
      apply(await call<PollAnswer>("chat/messages", { token, since: cursor }));
      pollDelay = seen.size > before ? MIN_POLL_MS : Math.min(pollDelay * 1.5, MAX_POLL_MS);
      if (status.dataset.offline) say((status.dataset.offline = ""));
    } catch (error) {
      // Back off, and never sooner than the server's Retry-After.
      pollDelay = Math.max(Math.min(pollDelay * 2, MAX_POLL_MS * 2), ((error as { retry?: number }).retry ?? 0) * 1000);
      status.dataset.offline = "1";
      say(errorText(error));
    }
    // Only a visible panel with a conversation polls; a closed panel costs nothing.
    // A tab in the background polls at the slowest pace; coming back polls at once.
    if (isOpen && token) pollTimer = window.setTimeout(poll, document.hidden ? MAX_POLL_MS * 2 : pollDelay);
  }

  // ---- Opening, closing, focus -----------------------------------------------------------------------------------
  // The panel's stylesheet, fetched with this script (on intent); the panel shows only once it applies.
  const styled = new Promise((resolve) => {
    const sheet = h("link", { rel: "stylesheet", href: data.css });
    sheet.onload = sheet.onerror = resolve;
    document.head.append(sheet);
  });

  function load() {
    ready ??= Promise.all([
      styled,
      call<PollAnswer>("chat/messages", { token, since: null })
        .then((answer) => {
          showContactFields(!apply(answer).online);
          return answer;
        })
        .catch((error) => {
          ready = null;
          say(errorText(error));
          showContactFields(true);
        }),
    ]);
    return ready;
  }

  async function open() {
    if (isOpen) return;
    isOpen = true;
    greeting?.remove();
    await styled;
    if (!isOpen) return;
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    message.focus();
    await load();
    pollDelay = MIN_POLL_MS;
    if (isOpen && token) poll();
  }

  function close() {
    isOpen = false;
    panel.hidden = true;
    clearTimeout(pollTimer);
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  launcher.addEventListener("click", () => (isOpen ? close() : open()));
  closeButton.addEventListener("click", close);
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") return close();
    if (event.key !== "Tab") return;
    // Keep focus inside the dialog while it is open.
    const focusable = [...panel.querySelectorAll<HTMLElement>("button,input,textarea,summary,a[href]")].filter(
      (element) => element.offsetParent !== null,
    );
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  });
  const switchView = (toOrder: boolean) => {
    orderView.hidden = !toOrder;
    chatView.hidden = toOrder;
    (toOrder ? orderNumber : message).focus();
  };
  toOrders.addEventListener("click", () => switchView(true));
  toChat.addEventListener("click", () => switchView(false));
  addEventListener("online", () => isOpen && poll());
  document.addEventListener("visibilitychange", () => !document.hidden && isOpen && token && poll());

  // ---- Sending -----------------------------------------------------------------------------------------------------
  chatForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = message.value.trim();
    if (!body) return message.focus();
    if (email.required && !email.value.trim()) {
      say(t("EmailReq"));
      return email.focus();
    }
    sendButton.disabled = true;
    say(t("Sending"));
    try {
      const answer = await call<{ message: ChatMessage }>("chat", {
        token,
        body,
        name: name.value,
        email: email.value,
      });
      add(answer.message);
      message.value = "";
      suggestionBox.hidden = true;
      showContactFields(false);
      say(t("Sent"));
      pollDelay = MIN_POLL_MS;
      if (isOpen) pollTimer = window.setTimeout(poll, pollDelay);
    } catch (error) {
      if (error instanceof Error && error.message === "email_required") showContactFields(true);
      say(errorText(error));
    }
    sendButton.disabled = false;
  });

  // FAQ answers while the shopper types, in the page's language; a new keystroke cancels the previous search.
  message.addEventListener("input", () => {
    clearTimeout(faqTimer);
    faqTimer = window.setTimeout(async () => {
      const query = message.value.trim();
      faqAbort?.abort();
      if (query.length < 3) return (suggestionBox.hidden = true);
      faqAbort = new AbortController();
      try {
        const url = `${base}/faq?q=${encodeURIComponent(query.slice(0, 100))}&locale=${encodeURIComponent(locale)}`;
        const answer = await (await fetch(url, { signal: faqAbort.signal })).json();
        const hits: Array<{ question: string; answer: string }> = (answer.results ?? []).slice(0, 3);
        suggestions.replaceChildren(
          ...hits.map((hit) => h("li", {}, h("details", {}, h("summary", {}, hit.question), h("p", {}, hit.answer)))),
        );
        suggestionBox.hidden = hits.length === 0;
      } catch {
        // Suggestions are a help, not a requirement: a failed search shows nothing.
      }
    }, 300);
  });

  // ---- Order status --------------------------------------------------------------------------------------------------
  orderForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!orderNumber.value.trim() || !orderEmail.value.trim()) return say(t("OrderMissing"));
    orderResult.textContent = t("Sending");
    try {
      const { order } = await call<OrderAnswer>("orders", {
        number: orderNumber.value.trim(),
        email: orderEmail.value.trim(),
        locale,
      });
      const link = (url: string | null, text: string) =>
        safeUrl(url) ? h("a", { href: safeUrl(url)!, target: "_blank", rel: "noopener noreferrer" }, text) : text;
      orderResult.replaceChildren(
        h("p", {}, h("strong", {}, order.name), ": ", order.status),
        ...order.shipments.map((shipment) =>
          h(
            "p",
            {},
            shipment.label,
            ...shipment.tracking.flatMap((info) => [
              h("br"),
              `${t("Tracking")} ${info.company ?? ""} `,
              link(info.url, info.number ?? ""),
            ]),
          ),
        ),
        order.statusPageUrl ? h("p", {}, link(order.statusPageUrl, t("StatusPage"))) : "",
      );
    } catch (error) {
      orderResult.textContent = errorText(error);
    }
  });

  // ---- Proactive greeting ----------------------------------------------------------------------------------------
  let greeting: HTMLElement | null = null;
  if (data.want === "greet") {
    load()?.then((answer) => {
      const words = (answer as [unknown, PollAnswer | undefined])[1]?.greeting || t("Greet");
      if (isOpen) return;
      storage(STORAGE_KEY + "-greeted", "1");
      const dismiss = h("button", { type: "button", class: "kc-x", "aria-label": t("Close") }, "×");
      greeting = h("div", { class: "kc-greet", role: "status" }, h("p", {}, words), dismiss);
      dismiss.addEventListener("click", () => greeting?.remove());
      root.append(greeting);
    });
  }
  if (data.want === "open") open();
}

const root = document.getElementById("kindly-chat");
if (root && !root.dataset.ready) start(root);
