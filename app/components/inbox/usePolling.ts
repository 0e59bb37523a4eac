import { useEffect, useRef } from "react";
import { useRevalidator } from "@remix-run/react";

/**
 * New messages without a reload: every few seconds ask the updates endpoint for the current version (a cheap
 * query) and revalidate the page's loader only when it changed. Paused while the tab is hidden.
 */
export function usePolling(url: string, version: string, intervalMs = 4000) {
  const revalidator = useRevalidator();
  const current = useRef(version);
  current.current = version;
  const state = useRef(revalidator.state);
  state.current = revalidator.state;
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;

  useEffect(() => {
    let stopped = false;
    const tick = async () => {
      if (stopped || document.visibilityState === "hidden" || state.current !== "idle") return;
      try {
        const response = await fetch(url, { headers: { Accept: "application/json" } });
        if (!response.ok) return;
        const body = (await response.json()) as { version?: string };
        if (!stopped && body.version && body.version !== current.current) revalidate.current();
      } catch {
        // Offline for a moment: the next tick tries again.
      }
    };
    const timer = window.setInterval(() => void tick(), intervalMs);
    return () => {
      stopped = true;
      window.clearInterval(timer);
    };
  }, [url, intervalMs]);
}
