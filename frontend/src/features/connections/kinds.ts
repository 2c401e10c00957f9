/**
 * What each provider kind needs and gives, for the form and the table. The
 * credential fields mirror the backend's CREDENTIAL_FIELDS (connections/schemas.py).
 */
import type { ConnectionKind } from '@/api/types';

export interface CredentialField {
  /** The key in the `credentials` object. */
  name: string;
  label: string;
  /** What the value looks like. */
  placeholder: string;
  /** Shown as a password field (masked). */
  secret: boolean;
  /** The start of a valid value, when the provider has a fixed one (a hint, not a rule). */
  prefix?: string;
}

export interface KindInfo {
  label: string;
  /** The key to create, in one line. */
  needs: string;
  /** Where to create it. */
  where: string;
  whereUrl: string;
  /** What a sync imports. */
  synced: string;
  defaultBaseUrl: string;
  fields: CredentialField[];
}

export const KINDS: Record<ConnectionKind, KindInfo> = {
  openai: {
    label: 'OpenAI',
    needs: 'An admin key (sk-admin-…); a project key cannot read the organization’s costs.',
    where: 'platform.openai.com → Organization → Admin keys',
    whereUrl: 'https://platform.openai.com/settings/organization/admin-keys',
    synced: 'Daily costs of the organization. OpenAI reports no balance.',
    defaultBaseUrl: 'https://api.openai.com',
    fields: [{
      name: 'api_key', label: 'Admin key', placeholder: 'sk-admin-…', secret: true, prefix: 'sk-admin-',
    }],
  },
  anthropic: {
    label: 'Anthropic',
    needs: 'An Admin API key (sk-ant-admin…), available to organizations only.',
    where: 'console.anthropic.com → Settings → Admin keys',
    whereUrl: 'https://console.anthropic.com/settings/admin-keys',
    synced: 'Daily costs of the organization. Anthropic reports no balance.',
    defaultBaseUrl: 'https://api.anthropic.com',
    fields: [{
      name: 'api_key', label: 'Admin API key', placeholder: 'sk-ant-admin…', secret: true, prefix: 'sk-ant-admin',
    }],
  },
  twilio: {
    label: 'Twilio',
    needs: 'The Account SID (AC…) and its Auth token.',
    where: 'console.twilio.com → Account info',
    whereUrl: 'https://console.twilio.com/',
    synced: 'Daily total price of the usage records, and the account balance.',
    defaultBaseUrl: 'https://api.twilio.com',
    fields: [
      {
        name: 'account_sid', label: 'Account SID', placeholder: 'AC…', secret: false, prefix: 'AC',
      },
      {
        name: 'auth_token', label: 'Auth token', placeholder: '32 hexadecimal characters', secret: true,
      },
    ],
  },
  openrouter: {
    label: 'OpenRouter',
    needs: 'A management key (an ordinary API key cannot read credits and activity).',
    where: 'openrouter.ai → Settings → Keys',
    whereUrl: 'https://openrouter.ai/settings/keys',
    synced: 'The balance (credits bought − used) and, where the key may read it, daily activity of the last 30 days.',
    defaultBaseUrl: 'https://openrouter.ai',
    fields: [{
      name: 'api_key', label: 'Management key', placeholder: 'sk-or-…', secret: true,
    }],
  },
};

export const KIND_OPTIONS = (Object.keys(KINDS) as ConnectionKind[])
  .map((kind) => ({ value: kind, label: KINDS[kind].label }));
