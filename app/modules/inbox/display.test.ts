import { describe, expect, it } from "vitest";
import { formatBytes, parseAttachments, sanitizeEmailHtml, trimQuotedText } from "~/modules/inbox/display";

describe("trimQuotedText", () => {
  it("keeps what the shopper wrote above a Gmail quote header and the quoted history", () => {
    const body = [
      "Yes please, the blue one in M.",
      "Thanks!",
      "",
      "On Tue, 24 Nov 2026 at 10:02, Léa <lea@atelier.example> wrote:",
      "> Hello Camille,",
      "> can I help with your order?",
    ].join("\r\n");
    expect(trimQuotedText(body)).toEqual({ text: "Yes please, the blue one in M.\nThanks!", trimmed: true });
  });

  it("removes a French quote header, Outlook's original-message block and signatures", () => {
    expect(trimQuotedText("Merci !\n\nLe mar. 24 nov. 2026 à 10:02, Léa a écrit :\n> Bonjour").text).toBe("Merci !");
    expect(trimQuotedText("Fine.\n-----Original Message-----\nFrom: x").text).toBe("Fine.");
    expect(trimQuotedText("See you\n-- \nCamille Durand\n+33 6 12").text).toBe("See you");
    expect(trimQuotedText("Ok\n\nSent from my iPhone").text).toBe("Ok");
  });

  it("keeps inline answers between quoted lines, and the whole text when nothing is left", () => {
    const inline = "> Which size?\nM please\n> Which colour?\nBlue";
    expect(trimQuotedText(inline)).toEqual({ text: inline, trimmed: false });
    expect(trimQuotedText("> only a quote")).toEqual({ text: "> only a quote", trimmed: false });
  });
});

describe("sanitizeEmailHtml", () => {
  it("drops scripts, styles, event handlers, javascript: links, iframes and forms", () => {
    const hostile = [
      '<p onclick="alert(1)" style="x">Hello <b>there</b></p>',
      "<script>alert('xss')</script><style>body{display:none}</style>",
      '<a href="javascript:alert(1)">click</a> <a href=" JaVa\tScRiPt:alert(2)">again</a>',
      '<a href="https://shop.example/track?a=1&amp;b=2" onmouseover="x()">track</a>',
      '<iframe src="https://evil.example"></iframe><form action="https://evil.example"><input name="card"></form>',
      '<svg><script>alert(3)</script></svg><img src=x onerror="alert(4)">',
      "<div><p>unclosed <em>tags",
    ].join("");
    const { html } = sanitizeEmailHtml(hostile);
    expect(html).not.toMatch(/<script|onclick|onerror|onmouseover|javascript:|<iframe|<form|<input|<style|<svg/i);
    expect(html).toContain("<p>Hello <b>there</b></p>");
    expect(html).toContain(
      '<a href="https://shop.example/track?a=1&amp;b=2" rel="noopener noreferrer nofollow" target="_blank">track</a>',
    );
    expect(html).toContain("<a>click</a>");
    expect(html.endsWith("<div><p>unclosed <em>tags</em></p></div>")).toBe(true);
  });

  it("holds remote images back by default and counts them; loads only https images when asked", () => {
    const body =
      '<p>Look:</p><img src="https://tracker.example/open.gif" alt="logo"><img src="http://x.example/a.png"><img src="cid:part1">';
    const blocked = sanitizeEmailHtml(body);
    expect(blocked.blockedImages).toBe(2);
    expect(blocked.html).not.toContain("<img");
    expect(blocked.html).toContain("[image: logo]");
    const loaded = sanitizeEmailHtml(body, { loadRemoteImages: true });
    expect(loaded.html).toContain(
      '<img alt="logo" src="https://tracker.example/open.gif" referrerpolicy="no-referrer" loading="lazy">',
    );
    expect(loaded.html).not.toContain("http://x.example");
  });

  it("escapes text, so markup hidden in entities stays text", () => {
    const { html } = sanitizeEmailHtml('<p>&lt;img src=x onerror=alert(1)&gt; &amp; "quotes"</p>');
    expect(html).toBe("<p>&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;</p>");
  });
});

describe("attachments", () => {
  it("reads the stored metadata defensively and formats sizes", () => {
    expect(
      parseAttachments(
        JSON.stringify([
          { filename: "receipt.pdf", contentType: "application/pdf", size: 48_213 },
          { filename: null, contentType: 7, size: -1 },
          "junk",
        ]),
      ),
    ).toEqual([
      { filename: "receipt.pdf", contentType: "application/pdf", size: 48_213 },
      { filename: "(unnamed)", contentType: "application/octet-stream", size: 0 },
    ]);
    expect(parseAttachments("not json")).toEqual([]);
    expect(parseAttachments(null)).toEqual([]);
    expect([512, 2048, 48_213, 3_500_000].map(formatBytes)).toEqual(["512 B", "2.0 KB", "47 KB", "3.3 MB"]);
  });
});
