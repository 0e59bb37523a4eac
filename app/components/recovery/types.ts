import type { FieldErrors } from "~/modules/recovery/editor";
import type { StepPreview } from "~/modules/recovery/preview.server";

/** What the Recovery page's action answers, per intent (the page's fetchers narrow on `intent`). */
export type SaveResponse =
  | { intent: "save"; ok: true; message: string }
  | { intent: "save"; ok: false; fieldErrors: FieldErrors; message: string };

export type PreviewResponse = { intent: "preview"; ok: true; previews: StepPreview };

export type ToggleResponse = { intent: "enable" | "disable"; ok: boolean; message: string };

export type TestResponse = { intent: "test"; ok: boolean; message: string };

export type BadRequestResponse = { intent: "invalid"; ok: false; message: string };

export type RecoveryActionResponse =
  SaveResponse | PreviewResponse | ToggleResponse | TestResponse | BadRequestResponse;
