/**
 * Kindly's default abandoned-checkout sequence: a conversation, not a sales pitch. Written in the first person, from
 * the shop's sender, with the troubleshooting that fixes most failed checkouts (bank authentication timeouts,
 * billing postcode mismatches) and an invitation to just reply. No discount, no countdown, no "last chance".
 * Merchants edit every step in the admin; these are the starting point, in English and French.
 */
export interface StepTemplate {
  subject?: string;
  body: string;
}

export interface FlowStepDefinition {
  position: number;
  delayMinutes: number;
  channel: "EMAIL" | "SMS";
  condition: "ALWAYS" | "NOT_ENGAGED";
  templates: Record<string, StepTemplate>;
}

export const SUPPORTED_LOCALES = ["en", "fr"] as const;

export const TROUBLESHOOTING_TIPS: Record<string, string[]> = {
  en: [
    "Did your bank ask you to confirm the payment, and it timed out? Open your banking app first, then try again: the confirmation appears straight away.",
    "Card declined? Check that the billing postcode is exactly the one your bank has on file.",
    "Still stuck? Just reply to this message and I'll sort it out with you.",
  ],
  fr: [
    "Votre banque vous a demandé de confirmer le paiement et le délai a expiré ? Ouvrez d'abord votre application bancaire, puis réessayez : la demande de confirmation s'affiche tout de suite.",
    "Carte refusée ? Vérifiez que le code postal de facturation est exactement celui que votre banque connaît.",
    "Toujours bloqué ? Répondez simplement à ce message et je m'en occupe avec vous.",
  ],
};

const ITEMS_EN = `{% for item in items %}- {{ item.quantity }} × {{ item.title }}
{% endfor %}`;
const ITEMS_FR = ITEMS_EN;
const TIPS = `{% for tip in tips %}- {{ tip }}
{% endfor %}`;

export const DEFAULT_RECOVERY_STEPS: FlowStepDefinition[] = [
  {
    position: 0,
    delayMinutes: 60,
    channel: "EMAIL",
    condition: "ALWAYS",
    templates: {
      en: {
        subject: "Can I help with your order, {{ first_name | default: 'there' }}?",
        body: `Hi {{ first_name | default: "there" }},

I'm {{ sender.name }} from {{ shop.name }}. I saw that your order didn't go through, and I wanted to check that everything is all right.

You had:
${ITEMS_EN}
If the payment was the problem, one of these usually fixes it:
${TIPS}
Your basket is saved, so you can pick up where you left off: {{ recovery_url }}

If something else got in the way, just reply to this email. It comes straight to me and I'll help you personally.

{{ sender.name }}
{{ shop.name }}`,
      },
      fr: {
        subject: "Je peux vous aider pour votre commande{% if first_name %}, {{ first_name }}{% endif %} ?",
        body: `Bonjour{% if first_name %} {{ first_name }}{% endif %},

Je suis {{ sender.name }}, de {{ shop.name }}. J'ai vu que votre commande n'était pas allée jusqu'au bout, et je voulais m'assurer que tout allait bien.

Vous aviez choisi :
${ITEMS_FR}
Si c'est le paiement qui a bloqué, l'une de ces solutions règle presque toujours le problème :
${TIPS}
Votre panier est gardé, vous pouvez reprendre là où vous en étiez : {{ recovery_url }}

Si autre chose vous a arrêté, répondez simplement à cet e-mail. Il arrive directement chez moi et je vous aiderai personnellement.

{{ sender.name }}
{{ shop.name }}`,
      },
    },
  },
  {
    position: 1,
    delayMinutes: 240,
    channel: "SMS",
    condition: "NOT_ENGAGED",
    templates: {
      en: {
        body: "Hi {{ first_name | default: 'there' }}, it's {{ sender.name }} from {{ shop.name }}. Did something go wrong with your order? Reply here and I'll help. {{ recovery_url }}",
      },
      fr: {
        body: "Bonjour{% if first_name %} {{ first_name }}{% endif %}, c'est {{ sender.name }} de {{ shop.name }}. Un souci avec votre commande ? Répondez ici, je vous aide. {{ recovery_url }}",
      },
    },
  },
  {
    position: 2,
    delayMinutes: 1440,
    channel: "EMAIL",
    condition: "ALWAYS",
    templates: {
      en: {
        subject: "Here's how to reach us, {{ first_name | default: 'there' }}",
        body: `Hi {{ first_name | default: "there" }},

{{ sender.name }} again, from {{ shop.name }}. If a question is holding you back (delivery costs, sizes, returns, payment), here is how to get an answer quickly:

- Reply to this email: a person reads it, usually within a few hours.
- Write to {{ shop.support_email }}.
- Use the chat on our website, on any page.
{% if shop.policies_url %}- Read our delivery and returns policies: {{ shop.policies_url }}
{% endif %}
Your basket is still saved: {{ recovery_url }}

{{ sender.name }}
{{ shop.name }}`,
      },
      fr: {
        subject: "Comment nous joindre{% if first_name %}, {{ first_name }}{% endif %}",
        body: `Bonjour{% if first_name %} {{ first_name }}{% endif %},

C'est encore {{ sender.name }}, de {{ shop.name }}. Si une question vous retient (frais de livraison, tailles, retours, paiement), voici comment obtenir une réponse rapidement :

- Répondez à cet e-mail : une personne le lit, en général en quelques heures.
- Écrivez à {{ shop.support_email }}.
- Utilisez le chat sur notre site, depuis n'importe quelle page.
{% if shop.policies_url %}- Consultez nos conditions de livraison et de retour : {{ shop.policies_url }}
{% endif %}
Votre panier est toujours gardé : {{ recovery_url }}

{{ sender.name }}
{{ shop.name }}`,
      },
    },
  },
  {
    position: 3,
    delayMinutes: 4320,
    channel: "EMAIL",
    condition: "ALWAYS",
    templates: {
      en: {
        subject: "One last note from {{ shop.name }}",
        body: `Hi {{ first_name | default: "there" }},

This is my last message about your order: I don't want to crowd your inbox. If you decided it wasn't for you, that's completely fine.

If you ever have a question about {{ shop.name }}, an order or anything else, reply to this email at any time. I'm happy to help.

Take care,
{{ sender.name }}
{{ shop.name }}`,
      },
      fr: {
        subject: "Un dernier mot de {{ shop.name }}",
        body: `Bonjour{% if first_name %} {{ first_name }}{% endif %},

C'est mon dernier message au sujet de votre commande : je ne veux pas encombrer votre boîte de réception. Si vous avez changé d'avis, aucun souci.

Si vous avez un jour une question sur {{ shop.name }}, une commande ou autre chose, répondez à cet e-mail quand vous voulez. Je serai ravi de vous aider.

Bien à vous,
{{ sender.name }}
{{ shop.name }}`,
      },
    },
  },
];
