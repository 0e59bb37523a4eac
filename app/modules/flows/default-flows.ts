import type { FlowStepDefinition } from "~/modules/recovery/default-flow";

/**
 * Kindly's default lifecycle care flows, in the same voice as recovery: one person from the shop writing in the first
 * person, plainly, to help; no countdown, no "last chance", no discount unless the merchant adds one. Every flow
 * starts switched off and every step is editable in the admin (Flows), in English and French.
 *
 * Variables beyond recovery's (see app/modules/flows/README.md): `order` (name, status_url, items, tracking),
 * `care_tips` (from the products' data), `rating_links` (signed one-click 1-5 links), `perk` (the VIP code, when the
 * merchant offers one) and `review_url`.
 */

const SIGNATURE = `{{ sender.name }}
{{ shop.name }}`;

const ITEMS = `{% for item in order.items %}- {{ item.quantity }} × {{ item.title }}
{% endfor %}`;

export const POST_PURCHASE_STEPS: FlowStepDefinition[] = [
  {
    position: 0,
    // Five days after delivery: long enough to have used it, soon enough to fix a problem.
    delayMinutes: 5 * 1440,
    channel: "EMAIL",
    condition: "ALWAYS",
    templates: {
      en: {
        subject: "How is it going with your order, {{ first_name | default: 'there' }}?",
        body: `Hi {{ first_name | default: "there" }},

It's {{ sender.name }} from {{ shop.name }}. Your order {{ order.name }} arrived a few days ago, and I wanted to check that everything is as it should be.

How happy are you with it? One click is enough:
{% for link in rating_links %}- {{ link.score }}/5: {{ link.url }}
{% endfor %}
If anything is wrong (a damaged item, a wrong size, something missing), just reply to this email. It comes straight to me and I'll sort it out with you.

${SIGNATURE}`,
      },
      fr: {
        subject: "Tout se passe bien avec votre commande{% if first_name %}, {{ first_name }}{% endif %} ?",
        body: `Bonjour{% if first_name %} {{ first_name }}{% endif %},

C'est {{ sender.name }}, de {{ shop.name }}. Votre commande {{ order.name }} est arrivée il y a quelques jours, et je voulais m'assurer que tout va bien.

Êtes-vous satisfait ? Un clic suffit :
{% for link in rating_links %}- {{ link.score }}/5 : {{ link.url }}
{% endfor %}
Si quelque chose ne va pas (un article abîmé, une taille qui ne convient pas, un oubli), répondez simplement à cet e-mail. Il arrive directement chez moi et je m'en occupe avec vous.

${SIGNATURE}`,
      },
    },
  },
];

export const WELCOME_STEPS: FlowStepDefinition[] = [
  {
    position: 0,
    delayMinutes: 1440,
    channel: "EMAIL",
    condition: "ALWAYS",
    templates: {
      en: {
        subject: "Thank you for your first order, {{ first_name | default: 'there' }}",
        body: `Hi {{ first_name | default: "there" }},

I'm {{ sender.name }} from {{ shop.name }}. Thank you for your first order ({{ order.name }}): it means a lot to a shop like ours.

You chose:
${ITEMS}{% if care_tips.size > 0 %}
A few tips to get the most out of it:
{% for tip in care_tips %}- {{ tip.product }}: {{ tip.tip }}
{% endfor %}{% endif %}
If you have a question, before or after it arrives, here is how to reach us:
- Reply to this email: a person reads it, usually within a few hours.
- Write to {{ shop.support_email }}.
- Use the chat on our website, on any page.
{% if order.status_url %}
You can follow your order here: {{ order.status_url }}
{% endif %}
${SIGNATURE}`,
      },
      fr: {
        subject: "Merci pour votre première commande{% if first_name %}, {{ first_name }}{% endif %}",
        body: `Bonjour{% if first_name %} {{ first_name }}{% endif %},

Je suis {{ sender.name }}, de {{ shop.name }}. Merci pour votre première commande ({{ order.name }}) : pour une boutique comme la nôtre, cela compte beaucoup.

Vous avez choisi :
${ITEMS}{% if care_tips.size > 0 %}
Quelques conseils pour en profiter au mieux :
{% for tip in care_tips %}- {{ tip.product }} : {{ tip.tip }}
{% endfor %}{% endif %}
Si vous avez une question, avant ou après la livraison, voici comment nous joindre :
- Répondez à cet e-mail : une personne le lit, en général en quelques heures.
- Écrivez à {{ shop.support_email }}.
- Utilisez le chat sur notre site, depuis n'importe quelle page.
{% if order.status_url %}
Vous pouvez suivre votre commande ici : {{ order.status_url }}
{% endif %}
${SIGNATURE}`,
      },
    },
  },
];

export const VIP_STEPS: FlowStepDefinition[] = [
  {
    position: 0,
    delayMinutes: 60,
    channel: "EMAIL",
    condition: "ALWAYS",
    templates: {
      en: {
        subject: "A personal thank you from {{ shop.name }}",
        body: `Hi {{ first_name | default: "there" }},

It's {{ sender.name }} from {{ shop.name }}. You have become one of our most loyal customers, and I wanted to thank you personally, not with a newsletter.

From now on, when you write to us, your message goes to the top of our list: we answer our most loyal customers first.
{% if perk %}
As a small thank you, here is a code just for you: {{ perk.code }} ({{ perk.description }}{% if perk.expires_on %}, until {{ perk.expires_on }}{% endif %}).
{% endif %}
If there is anything we could do better, reply to this email and tell me. I read every answer.

${SIGNATURE}`,
      },
      fr: {
        subject: "Un merci personnel de {{ shop.name }}",
        body: `Bonjour{% if first_name %} {{ first_name }}{% endif %},

C'est {{ sender.name }}, de {{ shop.name }}. Vous faites désormais partie de nos clients les plus fidèles, et je voulais vous remercier personnellement, pas avec une newsletter.

Désormais, quand vous nous écrivez, votre message passe en tête de liste : nous répondons d'abord à nos clients les plus fidèles.
{% if perk %}
Pour vous remercier, voici un code rien que pour vous : {{ perk.code }} ({{ perk.description }}{% if perk.expires_on %}, jusqu'au {{ perk.expires_on }}{% endif %}).
{% endif %}
Si nous pouvons faire mieux sur quoi que ce soit, répondez à cet e-mail pour me le dire. Je lis chaque réponse.

${SIGNATURE}`,
      },
    },
  },
];

export const AT_RISK_STEPS: FlowStepDefinition[] = [
  {
    position: 0,
    delayMinutes: 1440,
    channel: "EMAIL",
    condition: "ALWAYS",
    templates: {
      en: {
        subject: "Is everything all right, {{ first_name | default: 'there' }}?",
        body: `Hi {{ first_name | default: "there" }},

It's {{ sender.name }} from {{ shop.name }}. It has been a while since your last order, and I simply wanted to ask: was everything all right?

If something disappointed you (a product, a delivery, an answer from us), I would really like to know. Just reply to this email: it comes straight to me.

And if all is well and you simply didn't need anything, that's completely fine too. We're here whenever you need us.

${SIGNATURE}`,
      },
      fr: {
        subject: "Tout va bien{% if first_name %}, {{ first_name }}{% endif %} ?",
        body: `Bonjour{% if first_name %} {{ first_name }}{% endif %},

C'est {{ sender.name }}, de {{ shop.name }}. Votre dernière commande remonte à un moment, et je voulais simplement vous demander : tout s'était bien passé ?

Si quelque chose vous a déçu (un produit, une livraison, une réponse de notre part), j'aimerais vraiment le savoir. Répondez simplement à cet e-mail : il arrive directement chez moi.

Et si tout va bien et que vous n'aviez simplement besoin de rien, aucun souci. Nous sommes là quand vous voulez.

${SIGNATURE}`,
      },
    },
  },
];

export const DELAY_ALERT_STEPS: FlowStepDefinition[] = [
  {
    position: 0,
    // The shop's promise: the merchant sets this delay to their own dispatch time.
    delayMinutes: 3 * 1440,
    channel: "EMAIL",
    condition: "ALWAYS",
    templates: {
      en: {
        subject: "Your order {{ order.name }} is taking longer than promised",
        body: `Hi {{ first_name | default: "there" }},

It's {{ sender.name }} from {{ shop.name }}. I'm sorry: your order {{ order.name }} has not left us yet, and it should have by now. I'd rather tell you before you have to ask.

Here is where it stands: it is paid and reserved for you, and it has not been shipped yet. You will get the tracking link as soon as it leaves.
{% if order.status_url %}
You can check its status at any time: {{ order.status_url }}
{% endif %}
If the delay is a problem for you (a gift, a date), reply to this email and I'll see what I can do, including cancelling it if you prefer.

${SIGNATURE}`,
      },
      fr: {
        subject: "Votre commande {{ order.name }} prend plus de temps que prévu",
        body: `Bonjour{% if first_name %} {{ first_name }}{% endif %},

C'est {{ sender.name }}, de {{ shop.name }}. Je suis désolé : votre commande {{ order.name }} n'est pas encore partie, alors qu'elle aurait dû. Je préfère vous prévenir avant que vous ayez à le demander.

Voici où elle en est : elle est payée et réservée pour vous, mais pas encore expédiée. Vous recevrez le lien de suivi dès son départ.
{% if order.status_url %}
Vous pouvez consulter son statut à tout moment : {{ order.status_url }}
{% endif %}
Si ce retard vous pose problème (un cadeau, une date), répondez à cet e-mail et je verrai ce que je peux faire, y compris l'annuler si vous préférez.

${SIGNATURE}`,
      },
    },
  },
  {
    position: 1,
    delayMinutes: 7 * 1440,
    channel: "EMAIL",
    condition: "ALWAYS",
    templates: {
      en: {
        subject: "An update on your order {{ order.name }}",
        body: `Hi {{ first_name | default: "there" }},

{{ sender.name }} again, from {{ shop.name }}. Your order {{ order.name }} still has not shipped, and I'm sorry it is taking this long.

I'm keeping an eye on it personally. If you would rather cancel and be refunded, or if you have any question, just reply to this email.
{% if order.status_url %}
Its status: {{ order.status_url }}
{% endif %}
${SIGNATURE}`,
      },
      fr: {
        subject: "Des nouvelles de votre commande {{ order.name }}",
        body: `Bonjour{% if first_name %} {{ first_name }}{% endif %},

C'est encore {{ sender.name }}, de {{ shop.name }}. Votre commande {{ order.name }} n'est toujours pas expédiée, et je suis désolé que cela prenne autant de temps.

Je la suis personnellement. Si vous préférez l'annuler et être remboursé, ou si vous avez une question, répondez simplement à cet e-mail.
{% if order.status_url %}
Son statut : {{ order.status_url }}
{% endif %}
${SIGNATURE}`,
      },
    },
  },
];

export const REVIEW_STEPS: FlowStepDefinition[] = [
  {
    position: 0,
    // After the frequency cap: the shopper has just heard from us (the check-in or the survey).
    delayMinutes: 3 * 1440,
    channel: "EMAIL",
    condition: "ALWAYS",
    templates: {
      en: {
        subject: "Thank you for your kind words, {{ first_name | default: 'there' }}",
        body: `Hi {{ first_name | default: "there" }},

It's {{ sender.name }} from {{ shop.name }}. Thank you for your rating: I'm really glad it went well.

If you have a minute, a short review would help other people decide, and it helps a small shop like ours a lot: {{ review_url }}

And if a friend might like what we do, feel free to pass our address on.

No pressure at all, and thank you again.

${SIGNATURE}`,
      },
      fr: {
        subject: "Merci pour votre retour{% if first_name %}, {{ first_name }}{% endif %}",
        body: `Bonjour{% if first_name %} {{ first_name }}{% endif %},

C'est {{ sender.name }}, de {{ shop.name }}. Merci pour votre note : je suis vraiment content que tout se soit bien passé.

Si vous avez une minute, un petit avis aiderait d'autres personnes à se décider, et cela aide beaucoup une boutique comme la nôtre : {{ review_url }}

Et si un ami pourrait aimer ce que nous faisons, n'hésitez pas à lui transmettre notre adresse.

Aucune obligation, et encore merci.

${SIGNATURE}`,
      },
    },
  },
];
