import { useEffect, useState, type ReactNode } from "react";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  ChoiceList,
  FormLayout,
  InlineError,
  InlineStack,
  Layout,
  Link,
  Page,
  TextField,
} from "@shopify/polaris";
import { z } from "zod";
import { authenticateAdmin } from "~/shopify.server";
import { SETTINGS_SECTIONS, type FieldErrors } from "~/modules/shop/settings";
import {
  getSettingsForm,
  saveSettingsSection,
  sendSettingsTestEmail,
  sendSettingsTestSms,
  type SettingsForm,
} from "~/modules/shop/settings.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await authenticateAdmin(request);
  const settings = await getSettingsForm(shop);
  if (!settings) {
    throw new Response("Kindly has no record of this store yet: open it from the Shopify admin to finish installing.", {
      status: 404,
    });
  }
  return { settings };
};

const ActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("save"), section: z.enum(SETTINGS_SECTIONS), values: z.record(z.unknown()) }),
  z.object({ intent: z.literal("test-email"), to: z.string() }),
  z.object({ intent: z.literal("test-sms"), to: z.string() }),
]);

export type SettingsActionResponse =
  { ok: true; message: string; section: string } | { ok: false; fieldErrors: FieldErrors; section: string };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await authenticateAdmin(request);
  let body: unknown = null;
  try {
    body = await request.json();
  } catch {
    body = null;
  }
  const parsed = ActionSchema.safeParse(body);
  if (!parsed.success) {
    const response: SettingsActionResponse = { ok: false, section: "form", fieldErrors: { form: "Bad request" } };
    return data(response, { status: 400 });
  }
  const input = parsed.data;
  const result =
    input.intent === "save"
      ? await saveSettingsSection(shop, input.section, input.values)
      : input.intent === "test-email"
        ? await sendSettingsTestEmail(shop, input.to)
        : await sendSettingsTestSms(shop, input.to);
  const section = input.intent === "save" ? input.section : input.intent;
  const response: SettingsActionResponse = { ...result, section };
  return data(response, { status: result.ok ? 200 : 400 });
};

type Values = Parameters<ReturnType<typeof useFetcher>["submit"]>[0] & Record<string, unknown>;

/** One settings card: its own form state, its own submit, its own errors and confirmation. */
function useSection(section: string) {
  const fetcher = useFetcher<SettingsActionResponse>();
  const result = fetcher.data && fetcher.data.section === section ? fetcher.data : undefined;
  const errors = result && !result.ok ? result.fieldErrors : {};
  const submit = (payload: Values) => fetcher.submit(payload, { method: "post", encType: "application/json" });
  return { fetcher, result, errors, submit, busy: fetcher.state !== "idle" };
}

function Saved({ result }: { result: SettingsActionResponse | undefined }) {
  if (!result) return null;
  if (result.ok) return <Banner tone="success">{result.message}</Banner>;
  const general = result.fieldErrors.form;
  return (
    <Banner tone="critical">{general ?? "Nothing was saved: correct the fields marked below and save again."}</Banner>
  );
}

function Section({ title, description, children }: { title: string; description: ReactNode; children: ReactNode }) {
  return (
    <Layout.AnnotatedSection title={title} description={description}>
      <Card>
        <BlockStack gap="300">{children}</BlockStack>
      </Card>
    </Layout.AnnotatedSection>
  );
}

function SenderSection({ settings }: { settings: SettingsForm }) {
  const save = useSection("sender");
  const test = useSection("test-email");
  const [values, setValues] = useState({
    senderName: settings.sender.senderName,
    senderEmail: settings.sender.senderEmail,
    replyDomain: settings.sender.replyDomain,
    smtpUrl: "",
    clearSmtp: false,
  });
  const [testTo, setTestTo] = useState(settings.shopEmail ?? settings.sender.senderEmail);
  const set = (field: keyof typeof values) => (value: string | boolean) => setValues({ ...values, [field]: value });
  useEffect(() => {
    if (save.result?.ok) setValues((current) => ({ ...current, smtpUrl: "", clearSmtp: false }));
  }, [save.result]);
  return (
    <Section
      title="Email sender"
      description="Recovery emails and replies are written in the first person: use a real person's name and an address customers can answer."
    >
      <Saved result={save.result} />
      <InlineStack gap="200">
        {settings.sender.verifiedAt ? (
          <Badge tone="success">Verified by a test send</Badge>
        ) : (
          <Badge tone="attention">Not verified yet</Badge>
        )}
        <Badge tone={settings.sender.smtpConfigured ? "success" : undefined}>
          {settings.sender.smtpConfigured ? "Mail server set" : "No mail server yet"}
        </Badge>
      </InlineStack>
      <FormLayout>
        <TextField
          label="Sender name"
          autoComplete="name"
          value={values.senderName}
          onChange={set("senderName")}
          error={save.errors.senderName}
        />
        <TextField
          label="Sender email"
          type="email"
          autoComplete="email"
          value={values.senderEmail}
          onChange={set("senderEmail")}
          error={save.errors.senderEmail}
        />
        <TextField
          label="Reply domain (optional)"
          helpText="Replies to recovery emails come back through this domain and land in the inbox."
          autoComplete="off"
          value={values.replyDomain}
          onChange={set("replyDomain")}
          error={save.errors.replyDomain}
        />
        <TextField
          label="Mail server (SMTP URL)"
          type="password"
          autoComplete="off"
          placeholder={
            settings.sender.smtpConfigured
              ? "Set (hidden). Type a new one to replace it."
              : "smtps://user:password@host:465"
          }
          helpText="Write-only: Kindly stores it encrypted and never shows it again."
          value={values.smtpUrl}
          onChange={set("smtpUrl")}
          error={save.errors.smtpUrl}
        />
        {settings.sender.smtpConfigured ? (
          <Checkbox label="Remove the stored mail server" checked={values.clearSmtp} onChange={set("clearSmtp")} />
        ) : null}
        <InlineStack align="end">
          <Button
            variant="primary"
            loading={save.busy}
            onClick={() => save.submit({ intent: "save", section: "sender", values })}
          >
            Save sender
          </Button>
        </InlineStack>
      </FormLayout>
      <Saved result={test.result?.ok ? test.result : undefined} />
      <FormLayout>
        <TextField
          label="Send a test email to"
          type="email"
          autoComplete="email"
          value={testTo}
          onChange={setTestTo}
          error={test.errors.testTo}
        />
        <InlineStack align="end">
          <Button loading={test.busy} onClick={() => test.submit({ intent: "test-email", to: testTo })}>
            Send test email
          </Button>
        </InlineStack>
      </FormLayout>
    </Section>
  );
}

function SmsSection({ settings }: { settings: SettingsForm }) {
  const save = useSection("sms");
  const test = useSection("test-sms");
  const [values, setValues] = useState({
    twilioAccountSid: settings.sms.twilioAccountSid,
    twilioAuthToken: "",
    twilioFromNumber: settings.sms.twilioFromNumber,
    clearSms: false,
  });
  const [testPhone, setTestPhone] = useState("");
  const set = (field: keyof typeof values) => (value: string | boolean) => setValues({ ...values, [field]: value });
  useEffect(() => {
    if (save.result?.ok) setValues((current) => ({ ...current, twilioAuthToken: "", clearSms: false }));
  }, [save.result]);
  return (
    <Section
      title="SMS (optional)"
      description="With Twilio, Kindly can send one SMS check-in to shoppers who agreed to SMS, and answer SMS replies from the inbox."
    >
      <Saved result={save.result} />
      <Badge tone={settings.sms.configured ? "success" : undefined}>
        {settings.sms.configured ? "SMS configured" : "SMS not configured"}
      </Badge>
      <FormLayout>
        <TextField
          label="Twilio Account SID"
          autoComplete="off"
          value={values.twilioAccountSid}
          onChange={set("twilioAccountSid")}
          error={save.errors.twilioAccountSid}
        />
        <TextField
          label="Twilio auth token"
          type="password"
          autoComplete="off"
          placeholder={settings.sms.authTokenSet ? "Set (hidden). Type a new one to replace it." : ""}
          helpText="Write-only: stored encrypted, never shown again."
          value={values.twilioAuthToken}
          onChange={set("twilioAuthToken")}
          error={save.errors.twilioAuthToken}
        />
        <TextField
          label="Send from (phone number)"
          type="tel"
          autoComplete="off"
          value={values.twilioFromNumber}
          onChange={set("twilioFromNumber")}
          error={save.errors.twilioFromNumber}
        />
        {settings.sms.configured ? (
          <Checkbox
            label="Switch SMS off and remove the credentials"
            checked={values.clearSms}
            onChange={set("clearSms")}
          />
        ) : null}
        <InlineStack align="end">
          <Button
            variant="primary"
            loading={save.busy}
            onClick={() => save.submit({ intent: "save", section: "sms", values })}
          >
            Save SMS settings
          </Button>
        </InlineStack>
      </FormLayout>
      {settings.sms.configured ? (
        <>
          <Saved result={test.result?.ok ? test.result : undefined} />
          <FormLayout>
            <TextField
              label="Send a test SMS to"
              type="tel"
              autoComplete="tel"
              value={testPhone}
              onChange={setTestPhone}
              error={test.errors.testPhone}
            />
            <InlineStack align="end">
              <Button loading={test.busy} onClick={() => test.submit({ intent: "test-sms", to: testPhone })}>
                Send test SMS
              </Button>
            </InlineStack>
          </FormLayout>
        </>
      ) : null}
    </Section>
  );
}

function SendingSection({ settings }: { settings: SettingsForm }) {
  const save = useSection("sending");
  const [values, setValues] = useState({
    ...settings.sending,
    frequencyCapHours: String(settings.sending.frequencyCapHours),
  });
  const set = (field: keyof typeof values) => (value: string) => setValues({ ...values, [field]: value });
  return (
    <Section
      title="Sending rules"
      description="Applied to every message Kindly sends, whichever flow it comes from, in each recipient's own time zone."
    >
      <Saved result={save.result} />
      <FormLayout>
        <FormLayout.Group>
          <TextField
            label="Quiet hours start"
            type="time"
            autoComplete="off"
            value={values.quietHoursStart}
            onChange={set("quietHoursStart")}
            error={save.errors.quietHoursStart}
          />
          <TextField
            label="Quiet hours end"
            type="time"
            autoComplete="off"
            value={values.quietHoursEnd}
            onChange={set("quietHoursEnd")}
            error={save.errors.quietHoursEnd}
          />
        </FormLayout.Group>
        <TextField
          label="Frequency cap (hours)"
          type="number"
          autoComplete="off"
          helpText="A contact never gets messages about two different checkouts within this many hours."
          value={values.frequencyCapHours}
          onChange={set("frequencyCapHours")}
          error={save.errors.frequencyCapHours}
        />
        <ChoiceList
          title="Who may receive recovery emails"
          choices={[
            {
              label: "Only customers subscribed to email marketing (recommended)",
              value: "SUBSCRIBED_ONLY",
            },
            {
              label: "Also customers who did not subscribe",
              value: "ALLOW_NON_SUBSCRIBED_EMAIL",
              helpText:
                "Only where your local law allows service messages about an abandoned checkout without marketing consent (in the EU it usually does not). You are responsible for this choice.",
            },
          ]}
          selected={[values.consentPolicy]}
          onChange={(selected) => set("consentPolicy")(selected[0])}
          error={save.errors.consentPolicy}
        />
        <InlineStack align="end">
          <Button
            variant="primary"
            loading={save.busy}
            onClick={() => save.submit({ intent: "save", section: "sending", values })}
          >
            Save sending rules
          </Button>
        </InlineStack>
      </FormLayout>
    </Section>
  );
}

const DAY_LABELS: Record<string, string> = {
  mon: "Monday",
  tue: "Tuesday",
  wed: "Wednesday",
  thu: "Thursday",
  fri: "Friday",
  sat: "Saturday",
  sun: "Sunday",
};

function SupportSection({ settings }: { settings: SettingsForm }) {
  const save = useSection("support");
  const [values, setValues] = useState({
    slaFirstResponseMinutes: String(settings.support.slaFirstResponseMinutes),
    slaVipFirstResponseMinutes: String(settings.support.slaVipFirstResponseMinutes),
    slaResolutionMinutes: String(settings.support.slaResolutionMinutes),
    slaGoalPercent: String(settings.support.slaGoalPercent),
    alwaysOpen: settings.support.alwaysOpen,
    timezone: settings.support.timezone,
    days: settings.support.days,
  });
  const set = (field: keyof typeof values) => (value: string | boolean) => setValues({ ...values, [field]: value });
  const setDay = (day: string, patch: Partial<{ open: boolean; from: string; to: string }>) =>
    setValues({ ...values, days: { ...values.days, [day]: { ...values.days[day], ...patch } } });
  return (
    <Section
      title="Support targets"
      description="How fast you promise to answer. SLA clocks only run during business hours; VIP conversations get the tighter target and sort first in the inbox."
    >
      <Saved result={save.result} />
      {settings.support.hoursError ? <Banner tone="warning">{settings.support.hoursError}</Banner> : null}
      <FormLayout>
        <FormLayout.Group>
          <TextField
            label="First response (minutes)"
            type="number"
            autoComplete="off"
            value={values.slaFirstResponseMinutes}
            onChange={set("slaFirstResponseMinutes")}
            error={save.errors.slaFirstResponseMinutes}
          />
          <TextField
            label="VIP first response (minutes)"
            type="number"
            autoComplete="off"
            value={values.slaVipFirstResponseMinutes}
            onChange={set("slaVipFirstResponseMinutes")}
            error={save.errors.slaVipFirstResponseMinutes}
          />
        </FormLayout.Group>
        <FormLayout.Group>
          <TextField
            label="Resolution (minutes)"
            type="number"
            autoComplete="off"
            value={values.slaResolutionMinutes}
            onChange={set("slaResolutionMinutes")}
            error={save.errors.slaResolutionMinutes}
          />
          <TextField
            label="Goal (% within target)"
            type="number"
            autoComplete="off"
            value={values.slaGoalPercent}
            onChange={set("slaGoalPercent")}
            error={save.errors.slaGoalPercent}
          />
        </FormLayout.Group>
        <Checkbox label="Always open (24/7)" checked={values.alwaysOpen} onChange={set("alwaysOpen")} />
        {values.alwaysOpen ? null : (
          <BlockStack gap="200">
            <TextField
              label="Time zone"
              autoComplete="off"
              value={values.timezone}
              onChange={set("timezone")}
              error={save.errors.timezone}
            />
            {Object.keys(DAY_LABELS).map((day) => (
              <InlineStack key={day} gap="300" blockAlign="center" wrap={false}>
                <div style={{ minWidth: 130 }}>
                  <Checkbox
                    label={DAY_LABELS[day]}
                    checked={values.days[day]?.open ?? false}
                    onChange={(open) => setDay(day, { open })}
                  />
                </div>
                <TextField
                  label={`${DAY_LABELS[day]} opens`}
                  labelHidden
                  type="time"
                  autoComplete="off"
                  disabled={!values.days[day]?.open}
                  value={values.days[day]?.from ?? "09:00"}
                  onChange={(from) => setDay(day, { from })}
                />
                <TextField
                  label={`${DAY_LABELS[day]} closes`}
                  labelHidden
                  type="time"
                  autoComplete="off"
                  disabled={!values.days[day]?.open}
                  value={values.days[day]?.to ?? "17:00"}
                  onChange={(to) => setDay(day, { to })}
                />
                {save.errors[`days.${day}`] ? <InlineError message={save.errors[`days.${day}`]} fieldID={day} /> : null}
              </InlineStack>
            ))}
            {save.errors.days ? <InlineError message={save.errors.days} fieldID="days" /> : null}
          </BlockStack>
        )}
        <InlineStack align="end">
          <Button
            variant="primary"
            loading={save.busy}
            onClick={() => save.submit({ intent: "save", section: "support", values })}
          >
            Save support targets
          </Button>
        </InlineStack>
      </FormLayout>
    </Section>
  );
}

function LanguagesSection({ settings }: { settings: SettingsForm }) {
  const save = useSection("languages");
  const [languages, setLanguages] = useState(settings.languages);
  return (
    <Section
      title="Languages"
      description={`Kindly writes to each shopper in their language when it is enabled here, otherwise in your store's language (${settings.primaryLocale}).`}
    >
      <Saved result={save.result} />
      <ChoiceList
        title="Languages Kindly writes in"
        allowMultiple
        choices={[
          { label: "English", value: "en" },
          { label: "Français", value: "fr" },
        ]}
        selected={languages}
        onChange={setLanguages}
        error={save.errors.languages}
      />
      <InlineStack align="end">
        <Button
          variant="primary"
          loading={save.busy}
          onClick={() => save.submit({ intent: "save", section: "languages", values: { languages } })}
        >
          Save languages
        </Button>
      </InlineStack>
    </Section>
  );
}

export default function SettingsPage() {
  const { settings } = useLoaderData<typeof loader>();
  return (
    <Page title="Settings">
      <Layout>
        <SenderSection settings={settings} />
        <SmsSection settings={settings} />
        <SendingSection settings={settings} />
        <SupportSection settings={settings} />
        <LanguagesSection settings={settings} />
        <Layout.AnnotatedSection
          title="Privacy requests"
          description="When a customer asks Shopify for their data, Kindly prepares an export of what it holds on them."
        >
          <Card>
            <Link url="/app/privacy">See privacy requests</Link>
          </Card>
        </Layout.AnnotatedSection>
      </Layout>
    </Page>
  );
}
